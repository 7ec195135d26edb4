package org.openworldchat.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openworldchat.contract.ErrorMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis connections one node uses (Lettuce): commands and pub/sub. Commands fail at once
 * while Redis is away instead of queueing up, so a node keeps serving its own sockets; Lettuce
 * reconnects (and re-subscribes) by itself when Redis returns. Every key starts with the configured prefix, so several deployments (or test runs)
 * can share one Redis.
 *
 * <p>Lettuce reconnects only connections it once opened. A node that starts while Redis is away
 * therefore opens them itself, retrying in the background with backoff; meanwhile the accessors
 * throw {@link RedisUnavailableException}, which every Redis-backed piece already treats as an
 * outage, and {@link #whenConnected} defers what needs a connection (subscribing) until then.
 */
public final class RedisConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisConnections.class);

    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** Setting up a connection (handshake included) may take longer than a command on a busy host. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration LAST_RETRY = Duration.ofSeconds(5);
    static final Duration RECONNECT_CAP = Duration.ofSeconds(1);

    private record Opened(StatefulRedisConnection<String, String> commands,
                          StatefulRedisPubSubConnection<String, String> pubSub) {
    }

    private final ClientResources resources;
    private final RedisClient client;
    private final String prefix;
    private final String address;
    private final String nodeId = UUID.randomUUID().toString();
    private final ScheduledExecutorService opener = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("redis-connect").daemon(true).factory());
    /** Guarded by {@code this}; emptied once the connections are open. */
    private final List<Runnable> waitingForConnection = new ArrayList<>();
    private volatile Opened opened;
    private volatile boolean closed;

    public RedisConnections(String url, String prefix) {
        this.prefix = prefix;
        this.address = url.replaceAll("//[^@/]*@", "//");
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(CONNECT_TIMEOUT);
        // Lettuce waits up to 30 s between reconnect attempts by default, so a node took up to half
        // a minute to rejoin the cluster after a long Redis outage; a cap of 1 s costs one connect
        // attempt a second per connection while Redis is away.
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), RECONNECT_CAP, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
        try {
            open();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("redis", address).addKeyValue("error", ErrorMapper.rootMessage(e))
                    .log("Redis unreachable at start; serving this node's sockets alone and connecting in the background");
            opener.schedule(() -> retry(FIRST_RETRY), FIRST_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void open() {
        StatefulRedisConnection<String, String> commands = client.connect();
        StatefulRedisPubSubConnection<String, String> pubSub = null;
        try {
            pubSub = client.connectPubSub();
            List<Runnable> deferred;
            synchronized (this) {
                opened = new Opened(commands, pubSub);
                deferred = List.copyOf(waitingForConnection);
                waitingForConnection.clear();
            }
            deferred.forEach(this::runQuietly);
        } catch (RuntimeException e) {
            commands.close();
            if (pubSub != null) {
                pubSub.close();
            }
            throw e;
        }
    }

    private void retry(Duration delay) {
        if (closed) {
            return;
        }
        try {
            open();
            log.atInfo().addKeyValue("redis", address).log("Redis reached; this node now shares broadcasts, presence and limits");
        } catch (RuntimeException e) {
            Duration doubled = delay.multipliedBy(2);
            Duration next = doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
            opener.schedule(() -> retry(next), next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs {@code action} now if the connections are open, else on the thread that opens them. */
    public void whenConnected(Runnable action) {
        synchronized (this) {
            if (opened == null) {
                waitingForConnection.add(action);
                return;
            }
        }
        action.run();
    }

    private void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", ErrorMapper.rootMessage(e)).log("setting up a Redis-backed piece failed");
        }
    }

    public boolean isConnected() {
        return opened != null;
    }

    public StatefulRedisConnection<String, String> commands() {
        return current().commands();
    }

    public StatefulRedisPubSubConnection<String, String> pubSub() {
        return current().pubSub();
    }

    private Opened current() {
        Opened now = opened;
        if (now == null) {
            throw new RedisUnavailableException("not yet connected to Redis at " + address);
        }
        return now;
    }

    /** A connection of its own, for work that needs one (transactions); the caller closes it. */
    public StatefulRedisConnection<String, String> newConnection() {
        current();
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
            return "PONG".equals(commands().sync().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        opener.shutdownNow();
        Opened now = opened;
        if (now != null) {
            now.pubSub().close();
            now.commands().close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
