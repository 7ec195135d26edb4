package org.openworldchat.presence;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openworldchat.redis.OutageLog;
import org.openworldchat.redis.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence across nodes. Each node keeps its own sockets in memory and mirrors, in Redis, the
 * set of guests it has watching and the set it has online, under keys that expire unless the
 * node renews them: a node killed without warning drops out of the counts within {@link #TTL}.
 * The counts are the sizes of the unions of every live node's sets, so a guest with tabs on two
 * nodes (or on a node that restarted under a new id) counts once.
 *
 * <p>Without Redis the counts fall back to this node's own, and the next heartbeat after Redis
 * returns rewrites this node's sets in full.
 */
public final class RedisPresence implements Presence, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
    static final Duration TTL = Duration.ofSeconds(30);
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    /**
     * Drops dead nodes from the registry, then counts the unions of the live nodes' sets; the third
     * value says whether this node's own sets are there.
     */
    private static final String COUNT = """
            local mine = redis.call('EXISTS', ARGV[1] .. ':' .. ARGV[2] .. ':alive')
            local nodes = redis.call('SMEMBERS', KEYS[1])
            local watching, online = {}, {}
            for _, node in ipairs(nodes) do
              local base = ARGV[1] .. ':' .. node
              if redis.call('EXISTS', base .. ':alive') == 1 then
                table.insert(watching, base .. ':watching')
                table.insert(online, base .. ':online')
              else
                redis.call('SREM', KEYS[1], node)
              end
            end
            if #watching == 0 then return {0, 0, mine} end
            local tmp = ARGV[1] .. ':count:' .. ARGV[2]
            redis.call('SUNIONSTORE', tmp, unpack(online))
            local o = redis.call('SCARD', tmp)
            redis.call('SUNIONSTORE', tmp, unpack(watching))
            local w = redis.call('SCARD', tmp)
            redis.call('DEL', tmp)
            return {o, w, mine}
            """;

    private final InMemoryPresence local = new InMemoryPresence();
    private final RedisConnections redis;
    private final OutageLog outage = new OutageLog(log, "Redis (presence)");
    private final String nodes;
    private final String alive;
    private final String watching;
    private final String online;
    private final ScheduledExecutorService heartbeat;
    /**
     * MULTI/EXEC needs a connection no other thread writes to in between. Opened by the heartbeat
     * thread, on its first beat with Redis reachable.
     */
    private StatefulRedisConnection<String, String> heartbeatConnection;
    private final AtomicBoolean republishing = new AtomicBoolean();

    public RedisPresence(RedisConnections redis) {
        this.redis = redis;
        this.nodes = redis.key("presence:nodes");
        String base = redis.key("presence:" + redis.nodeId());
        this.alive = base + ":alive";
        this.watching = base + ":watching";
        this.online = base + ":online";
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("presence-heartbeat").daemon(true).factory());
        heartbeat.scheduleWithFixedDelay(this::publishAll, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        // A node that started while Redis was away publishes its sets as soon as it gets there.
        redis.whenConnected(() -> heartbeat.execute(this::publishAll));
    }

    @Override
    public synchronized void join(String socketId, UUID guestId, boolean active) {
        local.join(socketId, guestId, active);
        mirror(guestId);
    }

    @Override
    public synchronized void activate(UUID guestId) {
        local.activate(guestId);
        mirror(guestId);
    }

    @Override
    public synchronized void leave(String socketId) {
        UUID guestId = local.guestOf(socketId);
        local.leave(socketId);
        if (guestId != null) {
            mirror(guestId);
        }
    }

    @Override
    public Presence.Counts counts() {
        if (!outage.worthTrying()) {
            return local.counts(); // failed a moment ago: a join's ack does not wait for a timeout
        }
        try {
            List<Long> counts = redis.commands().sync().eval(COUNT, ScriptOutputType.MULTI,
                    new String[]{nodes}, redis.key("presence"), redis.nodeId());
            outage.succeeded();
            if (counts.get(2) == 0) {
                // Redis lost this node's sets (it restarted empty, or they expired during an
                // outage): counts from the other nodes alone would be too low, down to 0/0 for
                // every socket. Rewrite ours now (once) and count our own meanwhile.
                if (!heartbeat.isShutdown() && republishing.compareAndSet(false, true)) {
                    heartbeat.execute(() -> {
                        republishing.set(false);
                        publishAll();
                    });
                }
                return local.counts();
            }
            return new Presence.Counts(counts.get(0).intValue(), counts.get(1).intValue());
        } catch (RuntimeException e) {
            outage.failed(e);
            return local.counts();
        }
    }

    /** Mirrors one guest's local state; called under the lock so commands go out in order. */
    private void mirror(UUID guestId) {
        if (outage.isDown()) {
            return; // the next heartbeat rewrites everything
        }
        String id = guestId.toString();
        RedisAsyncCommands<String, String> async = redis.commands().async();
        try {
            if (local.isWatching(guestId)) {
                async.sadd(watching, id);
                async.expire(watching, TTL.toSeconds());
            } else {
                async.srem(watching, id);
            }
            if (local.isOnline(guestId)) {
                async.sadd(online, id);
                async.expire(online, TTL.toSeconds());
            } else {
                async.srem(online, id);
            }
        } catch (RuntimeException e) {
            outage.failed(e);
        }
    }

    /** Runs a beat now, on the heartbeat's thread (the only one that uses its connection), and waits for it. */
    void beatNow() throws InterruptedException, ExecutionException {
        heartbeat.submit(this::publishAll).get();
    }

    /** Rewrites this node's sets in full and renews their lifetime: heals after any outage. */
    private void publishAll() {
        Set<UUID> watchingNow;
        Set<UUID> onlineNow;
        synchronized (this) {
            watchingNow = local.watchingGuests();
            onlineNow = local.onlineGuests();
        }
        try {
            if (heartbeatConnection == null) {
                heartbeatConnection = redis.newConnection();
            }
            RedisCommands<String, String> sync = heartbeatConnection.sync();
            sync.multi();
            sync.set(alive, "1", io.lettuce.core.SetArgs.Builder.ex(TTL));
            sync.del(watching, online);
            if (!watchingNow.isEmpty()) {
                sync.sadd(watching, watchingNow.stream().map(UUID::toString).toArray(String[]::new));
                sync.expire(watching, TTL.toSeconds());
            }
            if (!onlineNow.isEmpty()) {
                sync.sadd(online, onlineNow.stream().map(UUID::toString).toArray(String[]::new));
                sync.expire(online, TTL.toSeconds());
            }
            sync.sadd(nodes, redis.nodeId());
            sync.exec();
            outage.succeeded();
        } catch (RuntimeException e) {
            outage.failed(e);
            // A transaction cut off by a timeout leaves the connection inside MULTI, and every
            // later beat would fail with "MULTI calls can not be nested": start the next on a new one.
            if (heartbeatConnection != null) {
                heartbeatConnection.closeAsync();
                heartbeatConnection = null;
            }
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            redis.commands().sync().del(alive, watching, online);
        } catch (RuntimeException e) {
            log.debug("presence keys not removed at close: {}", e.getMessage());
        }
        if (heartbeatConnection != null) {
            heartbeatConnection.close();
        }
    }
}
