package org.openworldchat.bench;

/** Counters written only by the event loop thread and read by the scenario's thread. */
final class Counters {
    volatile long deliveries;
    volatile long closedAfterReady;
    volatile long sent;
    volatile long acked;
    volatile long ackErrors;
    volatile String firstError;
    volatile String firstClose;

    /** A connection closed: before it was ready it counts as a failed open, after as a drop. */
    void closed(EioConnection c, String reason, Opener opener) {
        if (c.ready) {
            closedAfterReady++;
        } else {
            opener.failed();
        }
        if (firstClose == null) {
            firstClose = reason;
        }
    }

    void error(String what) {
        ackErrors++;
        if (firstError == null) {
            firstError = what;
        }
    }
}
