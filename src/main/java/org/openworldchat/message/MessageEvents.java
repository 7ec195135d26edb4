package org.openworldchat.message;

/** What the message service announces; the realtime layer delivers it to joined sockets. */
public interface MessageEvents {

    void published(Message message);
}
