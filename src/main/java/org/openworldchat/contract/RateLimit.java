package org.openworldchat.contract;

import java.time.Duration;

/**
 * Every rate limit, per guest or per client address, with its contract default and the variable
 * that overrides it (value {@code <count>/<duration>}, e.g. {@code 10/10s}, {@code 10/1m}).
 */
public enum RateLimit {
    MESSAGE("RATE_LIMIT_MESSAGES", new Quota(10, Duration.ofSeconds(10))),
    REACTION("RATE_LIMIT_REACTIONS", new Quota(30, Duration.ofSeconds(10))),
    UPLOAD("RATE_LIMIT_UPLOADS", new Quota(10, Duration.ofMinutes(1))),
    /** Successful username changes of one guest (not its first choice, not the same name again). */
    USERNAME_CHANGE("RATE_LIMIT_USERNAME_CHANGES", new Quota(5, Duration.ofMinutes(10))),

    // Per client address (its AddressKey's host), on top of the per-guest limits: guests are free
    // to mint, so without these a new cookie would be a new allowance.
    /** Guests that choose their first username, and so get a stored row. */
    ADDRESS_NEW_GUEST("RATE_LIMIT_ADDRESS_NEW_GUESTS", new Quota(30, Duration.ofMinutes(10))),
    ADDRESS_MESSAGE("RATE_LIMIT_ADDRESS_MESSAGES", new Quota(60, Duration.ofSeconds(10))),
    ADDRESS_REACTION("RATE_LIMIT_ADDRESS_REACTIONS", new Quota(60, Duration.ofSeconds(10))),
    ADDRESS_USERNAME_CHANGE("RATE_LIMIT_ADDRESS_USERNAME_CHANGES", new Quota(10, Duration.ofMinutes(10))),
    ADDRESS_UPLOAD("RATE_LIMIT_ADDRESS_UPLOADS", new Quota(30, Duration.ofMinutes(10))),
    /** Bytes of images stored (after metadata removal), not attempts: the count is a number of bytes. */
    ADDRESS_UPLOAD_BYTES("RATE_LIMIT_ADDRESS_UPLOAD_BYTES", new Quota(100_000_000, Duration.ofHours(24))),
    /** Requests to the moderation API with a missing or wrong token. */
    ADDRESS_ADMIN_FAILURE("RATE_LIMIT_ADDRESS_ADMIN_FAILURES", new Quota(10, Duration.ofMinutes(1)));

    /** At most {@code permits} attempts per {@code period}. */
    public record Quota(int permits, Duration period) {
        public Quota {
            if (permits < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a quota needs at least one permit and a positive period");
            }
        }
    }

    private final String variable;
    private final Quota defaultQuota;

    RateLimit(String variable, Quota defaultQuota) {
        this.variable = variable;
        this.defaultQuota = defaultQuota;
    }

    public String variable() {
        return variable;
    }

    public Quota defaultQuota() {
        return defaultQuota;
    }
}
