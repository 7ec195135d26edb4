package org.openworldchat.ratelimit;

import java.time.Duration;
import java.util.Optional;
import org.openworldchat.contract.RateLimit;

/**
 * Counts attempts against a limit, per subject (a guest id, or an address's keyed hash). One node
 * keeps its buckets in memory ({@link InMemoryRateLimiter}); several nodes share them through Redis.
 */
public interface RateLimiter {

    /**
     * Counts one attempt, allowed or not: a refused attempt still counts, so hammering a limit
     * pushes the next allowed attempt further away.
     *
     * @return empty when the attempt is allowed, else how long until one would be
     */
    Optional<Duration> attempt(RateLimit limit, String subject);

    /**
     * Takes {@code amount} permits when the bucket holds them all, else takes nothing: for limits
     * that count what was done rather than what was tried (bytes stored, successful changes), so a
     * refusal costs nothing. An amount over the whole quota takes the whole quota.
     *
     * @return empty when taken, else how long until they would be there
     */
    Optional<Duration> take(RateLimit limit, String subject, long amount);

    /** Puts back permits {@link #take taken} for something that then did not happen. */
    void giveBack(RateLimit limit, String subject, long amount);
}
