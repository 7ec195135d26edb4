package org.openworldchat.presence;

/** What the presence service announces; the realtime layer delivers it to joined sockets. */
public interface PresenceEvents {

    void countsChanged(Presence.Counts counts);
}
