package org.openworldchat.http;

import java.time.Duration;

/**
 * What one HTTP connection, and one client address's connections together, may hold of a node:
 * how many connections, how long a request may take to arrive, how long a connection may idle,
 * and how many bytes of unfinished request bodies may wait in memory.
 *
 * @param maxPerAddress concurrent connections of one client address (an IPv4 address or a whole
 *     IPv6 address); an IPv6 /64 may hold {@link #NETWORK_FACTOR} times as many
 * @param headerTimeout how long a request's head (request line and headers) may take to arrive,
 *     from the connection's opening for its first request and from its first byte for later ones
 * @param bodyGrace how long a request body may arrive at any pace; from then on it must have come
 *     at {@code minBodyBytesPerSecond} on average
 * @param minBodyBytesPerSecond the slowest average pace of a body past {@code bodyGrace}
 * @param idleTimeout how long a connection may go without a byte read or written between requests
 * @param bodyBufferPerAddress bytes of request bodies one client address may have in memory at once
 *     (an IPv6 /64 counts as one address here), from their first byte until they are answered
 * @param bodyBufferTotal the same for the whole node
 */
public record ConnectionLimits(int maxPerAddress, Duration headerTimeout, Duration bodyGrace, int minBodyBytesPerSecond,
                               Duration idleTimeout, long bodyBufferPerAddress, long bodyBufferTotal) {

    /** An IPv6 /64 is usually one subscriber with many addresses: it holds this many times an address's connections. */
    public static final int NETWORK_FACTOR = 10;

    public static final int DEFAULT_MAX_PER_ADDRESS = 64;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_GRACE = Duration.ofSeconds(10);
    public static final int DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Three 5 MiB uploads at once: more than one person sends, and a little for a shared address. */
    public static final int DEFAULT_BODY_BUFFER_PER_ADDRESS_MB = 16;
    /**
     * About 25 full-size uploads at once on one node, and no more than a quarter of the 512 MB heap
     * the deployment guide suggests, whatever many addresses do together.
     */
    public static final int DEFAULT_BODY_BUFFER_TOTAL_MB = 64;

    public ConnectionLimits {
        if (maxPerAddress < 1 || minBodyBytesPerSecond < 1 || bodyBufferPerAddress < 1 || bodyBufferTotal < 1
                || !headerTimeout.isPositive() || bodyGrace.isNegative() || !idleTimeout.isPositive()) {
            throw new IllegalArgumentException("connection limits must be positive");
        }
    }

    /** The production rules with the given bounds (the timings are not configurable). */
    public static ConnectionLimits of(int maxPerAddress, int bodyBufferPerAddressMb, int bodyBufferTotalMb) {
        return new ConnectionLimits(maxPerAddress, DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_GRACE,
                DEFAULT_MIN_BODY_BYTES_PER_SECOND, DEFAULT_IDLE_TIMEOUT,
                bodyBufferPerAddressMb * 1024L * 1024, bodyBufferTotalMb * 1024L * 1024);
    }

    /** Connections one IPv6 /64 may hold. */
    public int maxPerNetwork() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxPerAddress * NETWORK_FACTOR);
    }

    /**
     * A copy with other timings. Not environment variables: production keeps the defaults; tests of
     * the timeouts shorten them so that they run in seconds.
     */
    public ConnectionLimits withTimings(Duration header, Duration grace, int bytesPerSecond, Duration idle) {
        return new ConnectionLimits(maxPerAddress, header, grace, bytesPerSecond, idle, bodyBufferPerAddress, bodyBufferTotal);
    }
}
