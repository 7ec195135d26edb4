package org.openworldchat.contract;

import java.time.Duration;
import java.util.Map;

/** Over a rate limit; the client may try again after {@code retryAfter}. */
public final class RateLimitedException extends ChatException {

    private final Duration retryAfter;

    public RateLimitedException(Duration retryAfter) {
        super(ErrorCode.RATE_LIMITED);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("retryAfterMs", Math.max(1, retryAfter.toMillis()));
    }
}
