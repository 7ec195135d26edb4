package org.openworldchat.presence;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>A guest who chooses a name on one node becomes online on every node: the activation is
 * published, and each node marks the guest's sockets it holds.
 *
 * <p>Without Redis the counts fall back to this node's own. Whatever this node could not mirror
 * meanwhile is rewritten in full as soon as Redis answers again.
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

    /**
     * Replaces this node's sets and renews them, in one step. KEYS: alive, watching, online, nodes.
     * ARGV: lifetime in seconds, node id, number of watching ids, the watching ids, the online ids.
     * SADD takes the ids in slices, as Lua's unpack has a limit on arguments.
     */
    private static final String PUBLISH_ALL = """
            local ttl = ARGV[1]
            redis.call('SET', KEYS[1], '1', 'EX', ttl)
            redis.call('DEL', KEYS[2], KEYS[3])
            local function addAll(key, from, to)
              local i = from
              while i <= to do
                local j = math.min(i + 999, to)
                redis.call('SADD', key, unpack(ARGV, i, j))
                i = j + 1
              end
              if to >= from then redis.call('EXPIRE', key, ttl) end
            end
            local watching = tonumber(ARGV[3])
            addAll(KEYS[2], 4, 3 + watching)
            addAll(KEYS[3], 4 + watching, #ARGV)
            redis.call('SADD', KEYS[4], ARGV[2])
            return 1
            """;

    private final InMemoryPresence local = new InMemoryPresence();
    private final RedisConnections redis;
    private final OutageLog outage = new OutageLog(log, "Redis (presence)");
    private final String nodes;
    private final String alive;
    private final String watching;
    private final String online;
    private final String activations;
    private final ScheduledExecutorService heartbeat;
    private final AtomicBoolean republishing = new AtomicBoolean();
    /** Set when a change could not be mirrored: Redis no longer holds exactly this node's state. */
    private final AtomicBoolean stale = new AtomicBoolean();

    public RedisPresence(RedisConnections redis) {
        this.redis = redis;
        this.nodes = redis.key("presence:nodes");
        String base = redis.key("presence:" + redis.nodeId());
        this.alive = base + ":alive";
        this.watching = base + ":watching";
        this.online = base + ":online";
        this.activations = redis.key("presence:activations");
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("presence-heartbeat").daemon(true).factory());
        heartbeat.scheduleWithFixedDelay(this::publishAll, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        // A node that started while Redis was away subscribes and publishes its sets once it gets there.
        redis.whenConnected(() -> {
            redis.pubSub().addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String guestId) {
                    if (activations.equals(channel)) {
                        activatedElsewhere(guestId);
                    }
                }
            });
            redis.pubSub().sync().subscribe(activations);
            heartbeat.execute(this::publishAll);
        });
    }

    @Override
    public synchronized void join(String socketId, UUID guestId, boolean active) {
        local.join(socketId, guestId, active);
        mirror(guestId);
    }

    @Override
    public void activate(UUID guestId) {
        synchronized (this) {
            local.activate(guestId);
            mirror(guestId);
        }
        // Tabs of this guest on other nodes joined before it had a name.
        if (outage.isDown()) {
            return;
        }
        try {
            redis.commands().async().publish(activations, guestId.toString());
        } catch (RuntimeException e) {
            outage.failed(e);
        }
    }

    private void activatedElsewhere(String guestId) {
        try {
            UUID guest = UUID.fromString(guestId);
            synchronized (this) {
                if (local.isWatching(guest) && !local.isOnline(guest)) {
                    local.activate(guest);
                    mirror(guest);
                }
            }
        } catch (IllegalArgumentException e) {
            log.debug("ignored a malformed activation: {}", guestId);
        }
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
            boolean mine = counts.get(2) != 0;
            if (!mine || stale.get()) {
                // Redis lost this node's sets (it restarted empty, or they expired during an
                // outage), or missed some of its changes: rewrite ours now, once.
                republish();
            }
            if (!mine) {
                // Counts from the other nodes alone would be too low, down to 0/0 for every
                // socket: count our own until the rewrite lands.
                return local.counts();
            }
            return new Presence.Counts(counts.get(0).intValue(), counts.get(1).intValue());
        } catch (RuntimeException e) {
            outage.failed(e);
            return local.counts();
        }
    }

    private void republish() {
        if (!heartbeat.isShutdown() && republishing.compareAndSet(false, true)) {
            heartbeat.execute(() -> {
                republishing.set(false);
                publishAll();
            });
        }
    }

    /** Mirrors one guest's local state; called under the lock so commands go out in order. */
    private void mirror(UUID guestId) {
        if (outage.isDown()) {
            stale.set(true);
            return;
        }
        String id = guestId.toString();
        RedisAsyncCommands<String, String> async = redis.commands().async();
        try {
            List<RedisFuture<?>> sent = new ArrayList<>(4);
            if (local.isWatching(guestId)) {
                sent.add(async.sadd(watching, id));
                sent.add(async.expire(watching, TTL.toSeconds()));
            } else {
                sent.add(async.srem(watching, id));
            }
            if (local.isOnline(guestId)) {
                sent.add(async.sadd(online, id));
                sent.add(async.expire(online, TTL.toSeconds()));
            } else {
                sent.add(async.srem(online, id));
            }
            for (RedisFuture<?> f : sent) {
                f.whenComplete((ok, failure) -> {
                    if (failure != null) {
                        stale.set(true);
                        outage.failed(failure);
                    }
                });
            }
        } catch (RuntimeException e) {
            stale.set(true);
            outage.failed(e);
        }
    }

    /** Runs a beat now, on the heartbeat's thread, and waits for it. */
    void beatNow() throws InterruptedException, ExecutionException {
        heartbeat.submit(this::publishAll).get();
    }

    /**
     * Rewrites this node's sets in full and renews their lifetime: heals after any outage. The
     * script goes out under the lock, on the connection {@link #mirror} uses, so a join or leave
     * mirrored meanwhile lands after it instead of being overwritten by an older snapshot.
     */
    private void publishAll() {
        RedisFuture<Object> written;
        try {
            synchronized (this) {
                stale.set(false);
                Set<UUID> watchingNow = local.watchingGuests();
                Set<UUID> onlineNow = local.onlineGuests();
                List<String> args = new ArrayList<>(3 + watchingNow.size() + onlineNow.size());
                args.add(String.valueOf(TTL.toSeconds()));
                args.add(redis.nodeId());
                args.add(String.valueOf(watchingNow.size()));
                watchingNow.forEach(id -> args.add(id.toString()));
                onlineNow.forEach(id -> args.add(id.toString()));
                written = redis.commands().async().eval(PUBLISH_ALL, ScriptOutputType.INTEGER,
                        new String[]{alive, watching, online, nodes}, args.toArray(String[]::new));
            }
            written.get(RedisConnections.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            outage.succeeded();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            stale.set(true);
            outage.failed(e instanceof ExecutionException ? e.getCause() : e);
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
        if (!redis.isConnected()) {
            return;
        }
        try {
            redis.pubSub().sync().unsubscribe(activations);
            redis.commands().sync().del(alive, watching, online);
        } catch (RuntimeException e) {
            log.debug("presence keys not removed at close: {}", e.getMessage());
        }
    }
}
