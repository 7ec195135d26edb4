package org.openworldchat.ratelimit;

import java.util.UUID;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.contract.RateLimitedException;

/**
 * The services' view of rate limiting: count an attempt of a guest or of a client address, or
 * refuse it. An address is limited by its keyed hash ({@link AddressKey#host()}), never by itself.
 */
public final class RateLimits {

    /** Permits taken for something that counts only once done: {@link #giveBack()} them when it was not. */
    public static final class Taken {

        private final RateLimiter limiter;
        private final RateLimit limit;
        private final String subject;
        private final long amount;

        private Taken(RateLimiter limiter, RateLimit limit, String subject, long amount) {
            this.limiter = limiter;
            this.limit = limit;
            this.subject = subject;
            this.amount = amount;
        }

        public void giveBack() {
            limiter.giveBack(limit, subject, amount);
        }
    }

    private final RateLimiter limiter;

    public RateLimits(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /** Counts the guest's attempt; throws {@code RATE_LIMITED} with the wait when over the limit. */
    public void check(RateLimit limit, UUID guestId) {
        attempt(limit, guestId.toString());
    }

    /** Counts the address's attempt; throws {@code RATE_LIMITED} with the wait when over the limit. */
    public void check(RateLimit limit, AddressKey address) {
        attempt(limit, address.host());
    }

    /**
     * Takes {@code amount} of the guest's allowance, or throws {@code RATE_LIMITED} having taken
     * nothing: a refusal does not count.
     */
    public Taken take(RateLimit limit, UUID guestId, long amount) {
        return take(limit, guestId.toString(), amount);
    }

    /** Takes {@code amount} of the address's allowance, or throws {@code RATE_LIMITED} having taken nothing. */
    public Taken take(RateLimit limit, AddressKey address, long amount) {
        return take(limit, address.host(), amount);
    }

    private void attempt(RateLimit limit, String subject) {
        limiter.attempt(limit, subject).ifPresent(wait -> {
            throw new RateLimitedException(wait);
        });
    }

    private Taken take(RateLimit limit, String subject, long amount) {
        limiter.take(limit, subject, amount).ifPresent(wait -> {
            throw new RateLimitedException(wait);
        });
        return new Taken(limiter, limit, subject, amount);
    }
}
