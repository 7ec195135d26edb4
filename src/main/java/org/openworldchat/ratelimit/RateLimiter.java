package org.openworldchat.ratelimit;

import java.time.Duration;
import java.util.Optional;
import org.openworldchat.contract.RateLimit;

/**
 * Counts attempts against a limit, per subject (a guest id). One node keeps its buckets in
 * memory ({@link InMemoryRateLimiter}); several nodes share them through Redis.
 */
public interface RateLimiter {

    /**
     * Counts one attempt, allowed or not: a refused attempt still counts, so hammering a limit
     * pushes the next allowed attempt further away.
     *
     * @return empty when the attempt is allowed, else how long until one would be
     */
    Optional<Duration> attempt(RateLimit limit, String subject);
}
