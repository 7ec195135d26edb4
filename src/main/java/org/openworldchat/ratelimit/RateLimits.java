package org.openworldchat.ratelimit;

import java.util.UUID;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.contract.RateLimitedException;

/** The services' view of rate limiting: count this guest's attempt or refuse it. */
public final class RateLimits {

    private final RateLimiter limiter;

    public RateLimits(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /** Counts the attempt; throws {@code RATE_LIMITED} with the wait when over the limit. */
    public void check(RateLimit limit, UUID guestId) {
        limiter.attempt(limit, guestId.toString()).ifPresent(wait -> {
            throw new RateLimitedException(wait);
        });
    }
}
