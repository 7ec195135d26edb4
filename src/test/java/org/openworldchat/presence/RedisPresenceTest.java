package org.openworldchat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openworldchat.redis.RedisConnections;
import org.openworldchat.support.TestRedis;

/** Two nodes' presence on a real Redis, through the faults a real Redis has: stalls and lost keys. */
class RedisPresenceTest {

    private static final Presence.Counts BOTH = new Presence.Counts(2, 2);

    private String prefix;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> adminConnection;
    private RedisCommands<String, String> admin;
    private RedisConnections redisA;
    private RedisConnections redisB;
    private RedisPresence nodeA;
    private RedisPresence nodeB;

    @BeforeEach
    void twoNodesWithAGuestEach() throws Exception {
        String url = TestRedis.url();
        prefix = TestRedis.freshPrefix();
        adminClient = RedisClient.create(url);
        adminConnection = adminClient.connect();
        admin = adminConnection.sync();
        redisA = new RedisConnections(url, prefix);
        redisB = new RedisConnections(url, prefix);
        nodeA = new RedisPresence(redisA);
        nodeB = new RedisPresence(redisB);
        nodeA.join("a1", UUID.randomUUID(), true);
        nodeB.join("b1", UUID.randomUUID(), true);
        nodeA.beatNow();
        nodeB.beatNow();
        assertThat(nodeB.counts()).isEqualTo(BOTH);
    }

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
        redisA.close();
        redisB.close();
        deleteAllKeys();
        adminConnection.close();
        adminClient.shutdown();
    }

    @Test
    void aBeatCutOffByARedisStallDoesNotBreakTheNextOnes() throws Exception {
        // Longer than the command timeout: the beat's transaction is cut off after its MULTI.
        admin.clientPause(2_500);
        CompletableFuture<Void> stalled = CompletableFuture.runAsync(() -> {
            try {
                nodeA.beatNow();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        stalled.get(10, TimeUnit.SECONDS);
        admin.ping(); // returns once the pause is over
        admin.del(alive(redisA));

        nodeA.beatNow();
        assertThat(admin.exists(alive(redisA))).as("the next beat rewrote node A's sets").isEqualTo(1);
        assertThat(nodeB.counts()).isEqualTo(BOTH);
    }

    @Test
    void aFrozenRedisDelaysOneCountASecondNotEveryCount() {
        admin.clientPause(3_000);
        assertThat(nodeB.counts()).as("the first count waits for its timeout, then counts node B's own")
                .isEqualTo(new Presence.Counts(1, 1));
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(nodeB.counts()).isEqualTo(new Presence.Counts(1, 1));
        }
        // Each of these would wait the 1 s command timeout if every count tried Redis.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
        admin.ping(); // returns once the pause is over
        assertThat(eventually(nodeB::counts)).as("back to Redis a second later").isEqualTo(BOTH);
    }

    @Test
    void setsLostByRedisAreRewrittenAtOnceAndTheCountsNeverDropToNothing() {
        // As after a restart of a Redis that keeps nothing on disk.
        deleteAllKeys();

        assertThat(nodeB.counts()).as("no 0/0 for node B's sockets while the sets are rewritten")
                .isEqualTo(new Presence.Counts(1, 1));
        assertThat(eventually(() -> {
            nodeA.counts(); // each node notices its own sets are gone when it next counts
            return nodeB.counts();
        })).isEqualTo(BOTH);
    }

    @Test
    void changesMadeWhileRedisWasAwayReachItWhenItAnswersAgain() {
        admin.clientPause(1_500);
        nodeA.counts(); // times out: node A now knows Redis is away
        nodeA.join("a2", UUID.randomUUID(), true); // not mirrored: Redis is away
        admin.ping(); // returns once the pause is over
        Presence.Counts three = new Presence.Counts(3, 3);
        // Redis kept its keys, so node A's sets are there but miss the join; the next heartbeat is
        // up to 10 s away, and the contract wants the counts right within a second.
        assertThat(eventually(() -> {
            nodeA.counts();
            return nodeB.counts();
        }, three)).isEqualTo(three);
    }

    @Test
    void aJoinMirroredWhileABeatIsUnderWayIsNotOverwritten() throws Exception {
        for (int i = 0; i < 50; i++) {
            UUID guest = UUID.randomUUID();
            CompletableFuture<Void> beat = CompletableFuture.runAsync(() -> {
                try {
                    nodeA.beatNow();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            nodeA.join("late" + i, guest, true);
            beat.get(5, TimeUnit.SECONDS);
            // The join's own SADD may still be on its way; an overwritten one stays lost until the next beat.
            String key = prefix + ":presence:" + redisA.nodeId() + ":watching";
            Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .alias("join " + i + " survived the beat").until(() -> admin.sismember(key, guest.toString()));
        }
    }

    @Test
    void aNameChosenOnOneNodeMakesTheGuestOnlineOnTheOthers() {
        UUID guest = UUID.randomUUID();
        nodeB.join("b2", guest, false);
        nodeA.join("a2", guest, false);
        nodeA.activate(guest);
        nodeA.leave("a2");
        Presence.Counts named = new Presence.Counts(3, 3);
        assertThat(eventually(nodeB::counts, named)).as("node B's tab of the guest counts as online").isEqualTo(named);
    }

    private void deleteAllKeys() {
        String[] keys = admin.keys(prefix + ":*").toArray(String[]::new);
        if (keys.length > 0) {
            admin.del(keys);
        }
    }

    private String alive(RedisConnections node) {
        return prefix + ":presence:" + node.nodeId() + ":alive";
    }

    private static Presence.Counts eventually(Supplier<Presence.Counts> counts) {
        return eventually(counts, BOTH);
    }

    private static Presence.Counts eventually(Supplier<Presence.Counts> counts, Presence.Counts expected) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(3));
        Presence.Counts last = counts.get();
        while (!last.equals(expected) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            last = counts.get();
        }
        return last;
    }
}
