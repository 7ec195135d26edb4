package org.openworldchat.presence;

import java.util.UUID;

/**
 * Who is in the chat right now. {@code watching}: distinct guests with at least one joined
 * socket. {@code online}: those of them who have chosen a username (active guests). Two tabs of
 * one guest count once. Implementations: in memory for one node, Redis for several.
 */
public interface Presence {

    record Counts(int online, int watching) {
    }

    /** A socket of this guest joined the chat; {@code active} when the guest has a username. */
    void join(String socketId, UUID guestId, boolean active);

    /** The guest chose a username: it counts as online on every socket it has. */
    void activate(UUID guestId);

    /** A socket left (disconnected). Unknown sockets are ignored. */
    void leave(String socketId);

    Counts counts();
}
