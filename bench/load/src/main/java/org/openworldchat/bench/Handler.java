package org.openworldchat.bench;

/** What a scenario does with one connection's Socket.IO events. All calls run on the event loop. */
interface Handler {
    /** The Socket.IO connect ("40{...}") arrived: the socket may emit events now. */
    default void onConnected(EioConnection c) {}

    /** Sink connections only: one NEW_MESSAGE broadcast, seen by its first bytes only. */
    default void onNewMessageCounted(EioConnection c) {}

    /** Sink connections only: an acknowledgement arrived (its content is not decoded). */
    default void onAckCounted(EioConnection c) {}

    /** Full-parse connections only: any Socket.IO packet other than the transport's own. */
    default void onPacket(EioConnection c, String packet) {}

    default void onClosed(EioConnection c, String reason) {}
}
