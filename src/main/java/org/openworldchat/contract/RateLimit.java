package org.openworldchat.contract;

import java.time.Duration;

/**
 * Every per-guest rate limit, with its contract default and the variable that overrides it
 * (value {@code <count>/<duration>}, e.g. {@code 10/10s}, {@code 10/1m}).
 */
public enum RateLimit {
    MESSAGE("RATE_LIMIT_MESSAGES", new Quota(10, Duration.ofSeconds(10))),
    REACTION("RATE_LIMIT_REACTIONS", new Quota(30, Duration.ofSeconds(10))),
    UPLOAD("RATE_LIMIT_UPLOADS", new Quota(10, Duration.ofMinutes(1)));

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
