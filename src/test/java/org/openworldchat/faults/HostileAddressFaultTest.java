package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.NodeProcess;
import org.openworldchat.support.TestDatabases;
import org.openworldchat.support.TestImages;

/**
 * One hostile address runs, one after another and each for a bounded time, the attacks a
 * security test ran against a single node, while people on another address keep chatting. The
 * node runs in a JVM of its own with a 256 MB heap and the contract's default limits. Checked
 * through every attack: the node stays up, the people's acks keep a p99 under a second and none is
 * lost, {@code /health} answers within a second, the live heap after a full collection stays
 * within 100 MB of where it started, and the node holds fewer than 2,000 file descriptors.
 */
class HostileAddressFaultTest {

    private static final Duration ATTACK = Duration.ofSeconds(FaultScale.full() ? 20 : 4);
    private static final int DRIBBLERS = 2_500;
    private static final String ATTACKER = "127.0.0.2";
    private static final long MB = 1_048_576;

    @Test
    void oneAddressCannotHurtAnyoneElse() throws Exception {
        DatabaseUrl database = TestDatabases.create();
        NodeProcess node = NodeProcess.startWithDefaultLimits(database, Map.of());
        Sampler sampler = new Sampler(node);
        HostileAttacks attacks = new HostileAttacks(node.baseUrl(), port(node), new AttackerAddress(ATTACKER));
        try (WellBehavedClients people = new WellBehavedClients(node.baseUrl(), 2)) {
            people.start();
            Thread.sleep(2_000);
            long baseline = sampler.liveHeap();
            sampler.start();

            phase(people, sampler, baseline, "binary attachments", () -> attacks.binaryAttachments(ATTACK));
            phase(people, sampler, baseline, "unique missing static files", () -> attacks.missingStaticFiles(ATTACK));
            phase(people, sampler, baseline, "slow headers and bodies, unfinished uploads",
                    () -> attacks.slowConnections(ATTACK, DRIBBLERS, 40));
            String target = people.first().send("react to this").get("id").asText();
            int named = attacks.takeNames(30);
            phase(people, sampler, baseline, "reaction amplification", () -> withReactionSizes(people,
                    attacks.reactionAmplification(ATTACK, target)));
            String since = newestMessageId(node);
            phase(people, sampler, baseline, "poisoned history", () -> withCatchUp(node, since, attacks.poisonedHistory(ATTACK)));
            attacks.close(); // the named guests' sockets go: the address's socket places are free again
            phase(people, sampler, baseline, "fresh guests", () -> attacks.freshGuests(ATTACK));
            byte[] photo = largePhoto();
            byte[] heavy = TestImages.heavyPng(5_000, 5_000);
            phase(people, sampler, baseline, "large and dear-to-decode uploads", () -> {
                var attack = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return attacks.uploads(ATTACK, photo, heavy);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
                Thread.sleep(ATTACK.toMillis() / 2);
                long started = System.nanoTime();
                HttpResponse<String> upload = HostileAttacks.upload(java.net.http.HttpClient.newHttpClient(), node.baseUrl(),
                        people.cookie(0), TestImages.jpeg(1_600, 1_200));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                Map<String, Object> f = attack.get();
                f.put("a person's photo upload ms (status)", millis + " (" + (upload == null ? "none" : upload.statusCode()) + ")");
                assertThat(upload).as("a person's upload was answered").isNotNull();
                assertThat(upload.statusCode()).as("a person's upload: " + upload.body()).isEqualTo(201);
                return f;
            });
            long logBefore = node.logBytes();
            phase(people, sampler, baseline, "log flood", () -> {
                Map<String, Object> f = attacks.logFlood(ATTACK);
                f.put("node log grew KB", (node.logBytes() - logBefore) / 1024);
                return f;
            });
            attacks.close();
            people.phase("after");
            Thread.sleep(2_000);

            // Nothing acknowledged is lost.
            List<WellBehavedClients.Send> all = people.sends();
            assertThat(all.stream().filter(s -> s.millis() < 0).count()).as("sends never answered").isZero();
            assertThat(stored(database, people.acked)).as("every acknowledged message is stored").isEqualTo(people.acked.size());
            String log = node.log();
            assertThat(log).as("no client address in the node's log").doesNotContain(ATTACKER);
            assertThat(log).as("no terminal escapes").doesNotContain("\u001b");
            assertThat(log.lines().filter(l -> l.contains(HostileAttacks.FORGED_LINE) && !l.contains("\\n")))
                    .as("no forged log line").isEmpty();
            assertThat(named).as("the address got at most its new-name allowance").isLessThanOrEqualTo(30);
            assertThat(node.isAlive()).isTrue();
        } finally {
            sampler.stop();
            attacks.close();
            node.kill();
            TestDatabases.drop(database);
        }
    }

    private void phase(WellBehavedClients people, Sampler sampler, long baseline, String name,
                       Callable<Map<String, Object>> attack) throws Exception {
        people.phase(name);
        sampler.reset();
        java.util.concurrent.FutureTask<Map<String, Object>> running = new java.util.concurrent.FutureTask<>(attack);
        Thread.ofVirtual().start(running);
        // While the attack is at its height: what the node holds then, garbage collected.
        Thread.sleep(ATTACK.toMillis() * 3 / 4);
        long duringAttack = sampler.liveHeap();
        Map<String, Object> figures = new LinkedHashMap<>(running.get(5, TimeUnit.MINUTES));
        long afterAttack = sampler.liveHeap();
        long liveHeap = Math.max(duringAttack, afterAttack);
        List<WellBehavedClients.Send> sends = people.sends(name);
        long p99 = WellBehavedClients.p99(sends);
        figures.put("people's sends (acked)", sends.size() + " (" + sends.stream().filter(WellBehavedClients.Send::acked).count() + ")");
        figures.put("people's ack p99 ms", p99);
        figures.put("slowest /health ms", sampler.worstHealth);
        figures.put("most file descriptors", sampler.maxFds);
        figures.put("live heap MB before / during / after", baseline / MB + " / " + duringAttack / MB + " / " + afterAttack / MB);
        FaultReport.record("one hostile address: " + name, figures);

        assertThat(sampler.nodeDown).as(name + ": the node stayed up").isFalse();
        assertThat(sends).as(name + ": people kept chatting").isNotEmpty();
        assertThat(sends).as(name + ": every send of the people was answered and stored")
                .allSatisfy(s -> assertThat(s.acked()).as(String.valueOf(s)).isTrue());
        assertThat(p99).as(name + ": people's acks p99").isLessThan(1_000);
        assertThat(sampler.worstHealth).as(name + ": /health").isLessThan(1_000);
        assertThat(sampler.maxFds).as(name + ": file descriptors").isLessThan(2_000);
        assertThat(liveHeap - baseline).as(name + ": live heap growth").isLessThan(100 * MB);
    }

    /** The largest MESSAGE_REACTION_UPDATED a person's socket received during the attack. */
    private static Map<String, Object> withReactionSizes(WellBehavedClients people, Map<String, Object> figures) {
        List<JsonNode> events = people.first().drain("MESSAGE_REACTION_UPDATED", Duration.ofMillis(500));
        figures.put("reaction events seen by a person", events.size());
        figures.put("largest reaction event bytes", events.stream().mapToInt(e -> e.toString().length()).max().orElse(0));
        return figures;
    }

    /** A person who was away catches up from before the poisoning, page by page, and gets everything. */
    private static Map<String, Object> withCatchUp(NodeProcess node, String since, Map<String, Object> figures) {
        try (ChatClient late = ChatClient.connect(node.baseUrl(), (String) null, "websocket")) {
            String from = since;
            int pages = 0;
            int messages = 0;
            int largest = 0;
            while (true) {
                JsonNode ack = ChatClient.ok(late.emit("JOIN_CHAT", Map.of("since", from)));
                pages++;
                largest = Math.max(largest, ack.toString().length());
                JsonNode page = ack.get("messages");
                messages += page.size();
                if (!ack.path("hasMore").asBoolean() || page.isEmpty()) {
                    break;
                }
                from = page.get(page.size() - 1).get("id").asText();
            }
            figures.put("catch-up pages", pages);
            figures.put("catch-up messages", messages);
            figures.put("largest catch-up answer KB", largest / 1024);
            assertThat(largest).as("a catch-up answer stays within 1 MiB").isLessThanOrEqualTo(1024 * 1024);
        }
        return figures;
    }

    private static byte[] largePhoto() throws IOException {
        BufferedImage image = new BufferedImage(2_000, 1_500, BufferedImage.TYPE_INT_RGB);
        Random noise = new Random(17);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, noise.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static String newestMessageId(NodeProcess node) {
        JsonNode messages = node.http().get("/api/messages?limit=1").json().get("messages");
        return messages.get(messages.size() - 1).get("id").asText();
    }

    private static long stored(DatabaseUrl database, java.util.Set<String> ids) throws Exception {
        try (Connection c = TestDatabases.connect(database);
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM messages WHERE id = ANY(?::uuid[])")) {
            count.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int port(NodeProcess node) {
        return Integer.parseInt(node.baseUrl().substring(node.baseUrl().lastIndexOf(':') + 1));
    }

    /** The node's health, descriptors and liveness, sampled from the people's own address. */
    private static final class Sampler {
        private final NodeProcess node;
        private volatile boolean running;
        private Thread thread;
        volatile long worstHealth;
        volatile long maxFds;
        volatile boolean nodeDown;

        Sampler(NodeProcess node) {
            this.node = node;
        }

        void start() {
            running = true;
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void reset() {
            worstHealth = 0;
            maxFds = node.openFileDescriptors();
        }

        private void sample() {
            nodeDown |= !node.isAlive();
            long t0 = System.nanoTime();
            try {
                if (node.http().get("/health").status() != 200) {
                    worstHealth = Long.MAX_VALUE;
                }
            } catch (RuntimeException noAnswer) {
                worstHealth = Long.MAX_VALUE;
            }
            worstHealth = Math.max(worstHealth, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            maxFds = Math.max(maxFds, node.openFileDescriptors());
        }

        /** Heap in use right after a full collection: what the node really holds. */
        long liveHeap() {
            node.collectGarbage();
            return OverloadFaultTest.heapBytes(node);
        }

        void stop() {
            running = false;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
