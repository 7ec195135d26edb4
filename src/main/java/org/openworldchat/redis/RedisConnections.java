package org.openworldchat.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.UUID;

/**
 * The Redis connections one node uses (Lettuce): commands, pub/sub, and a binary one for the
 * rate limiter. Commands fail at once while Redis is away instead of queueing up, so a node
 * keeps serving its own sockets; Lettuce reconnects (and re-subscribes) by itself when Redis
 * returns. Every key starts with the configured prefix, so several deployments (or test runs)
 * can share one Redis.
 */
public final class RedisConnections implements AutoCloseable {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** Setting up a connection (handshake included) may take longer than a command on a busy host. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final StatefulRedisConnection<byte[], byte[]> binary;
    private final String prefix;
    private final String nodeId = UUID.randomUUID().toString();

    public RedisConnections(String url, String prefix) {
        this.prefix = prefix;
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(CONNECT_TIMEOUT);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
        try {
            this.commands = client.connect();
            this.pubSub = client.connectPubSub();
            this.binary = client.connect(ByteArrayCodec.INSTANCE);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    public StatefulRedisConnection<String, String> commands() {
        return commands;
    }

    public StatefulRedisPubSubConnection<String, String> pubSub() {
        return pubSub;
    }

    public StatefulRedisConnection<byte[], byte[]> binary() {
        return binary;
    }

    /** A connection of its own, for work that needs one (transactions); the caller closes it. */
    public StatefulRedisConnection<String, String> newConnection() {
        return client.connect();
    }

    /** {@code <prefix>:<name>}. */
    public String key(String name) {
        return prefix + ":" + name;
    }

    /** This process's id among the nodes; new at every start, so a restarted node is a new node. */
    public String nodeId() {
        return nodeId;
    }

    public boolean ping() {
        try {
            return "PONG".equals(commands.sync().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pubSub.close();
        binary.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
