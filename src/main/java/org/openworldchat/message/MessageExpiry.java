package org.openworldchat.message;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** When a message stops existing for clients: {@code created_at} plus the TTL, on the injected clock. */
public record MessageExpiry(Duration ttl, Clock clock) {

    /** Messages created at or before this instant are expired. */
    public Instant cutoff() {
        return clock.instant().minus(ttl);
    }

    public Instant expiresAt(Instant createdAt) {
        return createdAt.plus(ttl);
    }
}
