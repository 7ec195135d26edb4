package org.openworldchat.redis;

/** Redis is configured but this node has not reached it yet (it started while Redis was away). */
public final class RedisUnavailableException extends RuntimeException {

    RedisUnavailableException(String message) {
        super(message);
    }
}
