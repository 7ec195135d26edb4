package org.openworldchat.message;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Message ids as time-ordered UUIDs (RFC 9562 version 7: 48 bits of Unix milliseconds, then
 * random bits). New rows then land at the right-hand end of the primary-key index instead of on a
 * random page of it, which keeps the pages a write path dirties (and writes in full to the WAL
 * after every checkpoint) few. Message ids are public, so they need to be unique, not secret.
 */
final class MessageIds {

    private final Clock clock;

    MessageIds(Clock clock) {
        this.clock = clock;
    }

    UUID next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (clock.millis() << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
