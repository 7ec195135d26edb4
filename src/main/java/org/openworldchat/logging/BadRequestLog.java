package org.openworldchat.logging;

import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Bad requests counted instead of logged one by one. Each was a line of its own (the library's, or
 * ours), and clients choose how many they send: 40,907 requests with 4 KB paths grew the log by
 * 161 MB in 10 s. Now {@link #report} writes one line with a count per kind of what came since the
 * last report (the owner calls it on a timer, and once more when it stops), and nothing when
 * nothing came. No line names a client or repeats what it sent.
 */
public final class BadRequestLog {

    private static final Logger log = LoggerFactory.getLogger(BadRequestLog.class);

    /** What was wrong with a request; each is a key of the report's line. */
    public enum Kind {
        /** A path under the Socket.IO endpoint that is not the endpoint itself. */
        WRONG_PATH("wrongPath"),
        /** A Socket.IO request without a transport Engine.IO knows. */
        UNKNOWN_TRANSPORT("unknownTransport"),
        /** A request naming an Engine.IO session that is not the requester's. */
        FOREIGN_SESSION("foreignSession"),
        /** A Socket.IO binary packet, binary frame or binary payload, which the contract does not use. */
        BINARY_PACKET("binaryPacket"),
        /** Input that could not be decoded, or that made the library fail. */
        UNDECODABLE("undecodable");

        private final String key;

        Kind(String key) {
            this.key = key;
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(Kind.values().length);

    public void count(Kind kind) {
        counts.incrementAndGet(kind.ordinal());
    }

    /** Logs the counts since the last report, if there were any, and starts counting again. */
    public void report() {
        LoggingEventBuilder line = log.atWarn();
        boolean any = false;
        for (Kind kind : Kind.values()) {
            long count = counts.getAndSet(kind.ordinal(), 0);
            if (count > 0) {
                line = line.addKeyValue(kind.key, count);
                any = true;
            }
        }
        if (any) {
            line.log("bad requests refused since the last report");
        }
    }
}
