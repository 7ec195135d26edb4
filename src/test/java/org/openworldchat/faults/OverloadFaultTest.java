package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.NodeProcess;
import org.openworldchat.support.TestDatabases;

/**
 * A flood from many guests, far above what the node can store, from clients that never read what
 * the server sends them (slow consumers). The node stays responsive for well-behaved clients,
 * /health answers, and its memory stays bounded (it runs with a 256 MB heap).
 */
class OverloadFaultTest {

    private static final int FLOODERS = FaultScale.full() ? 200 : 40;

    /** A raw Engine.IO client that sends as fast as it can and reads almost nothing. */
    private static final class Flooder implements WebSocket.Listener {
        final AtomicBoolean closedByServer = new AtomicBoolean();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(8); // the open packet and a few more, then nothing: a slow consumer
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closedByServer.set(true);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closedByServer.set(true);
        }
    }

    @Test
    void aFloodLeavesTheNodeResponsiveAndBounded() throws Exception {
        DatabaseUrl database = TestDatabases.create();
        NodeProcess node = NodeProcess.start(database, Map.of());
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong floodSent = new AtomicLong();
        List<Flooder> flooders = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        try (ChatClient good = ChatClient.connect(node.baseUrl(), (String) null, "websocket")) {
            good.setUsername("well_behaved");
            good.join();
            long heapBefore = heapBytes(node);
            long rssBefore = node.rssBytes();
            long maxRss = rssBefore;
            for (int i = 0; i < FLOODERS; i++) {
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> flood(node, n, flooding, floodSent, flooders)));
            }
            List<Long> goodAcks = new ArrayList<>();
            long worstHealth = 0;
            long maxHeap = heapBefore;
            int lost = 0;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FaultScale.phaseMillis() * 4);
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                var ack = good.tryEmit("SEND_MESSAGE", Map.of("content", "still here"), Duration.ofSeconds(10));
                if (ack.isPresent()) {
                    goodAcks.add((System.nanoTime() - t0) / 1_000_000);
                } else {
                    lost++;
                }
                long h0 = System.nanoTime();
                assertThat(node.http().get("/health").status()).isEqualTo(200);
                worstHealth = Math.max(worstHealth, (System.nanoTime() - h0) / 1_000_000);
                maxHeap = Math.max(maxHeap, heapBytes(node));
                maxRss = Math.max(maxRss, node.rssBytes());
                Thread.sleep(50); // many samples, so the p99 is not simply the slowest one
            }
            flooding.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
            Collections.sort(goodAcks);
            long p99 = goodAcks.isEmpty() ? -1 : goodAcks.get((int) Math.min(goodAcks.size() - 1, Math.floor(0.99 * goodAcks.size())));
            long cutOff = flooders.stream().filter(f -> f.closedByServer.get()).count();

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("flooding clients", FLOODERS);
            figures.put("flood packets sent", floodSent.get());
            figures.put("slow consumers cut off", cutOff);
            figures.put("well-behaved ack p99 ms", p99);
            figures.put("well-behaved acks missing", lost);
            figures.put("slowest /health ms", worstHealth);
            figures.put("heap MB before / max", heapBefore / 1_048_576 + " / " + maxHeap / 1_048_576);
            figures.put("process RSS MB before / max", rssBefore / 1_048_576 + " / " + maxRss / 1_048_576);
            FaultReport.record("flood from many guests, slow consumers", figures);

            assertThat(lost).as("the well-behaved client always got an answer").isZero();
            // Over a hundred or two samples the p99 is close to the slowest ack, so one stall of the
            // shared two-core machine shows in it: across runs it was 0.5-0.9 s (0.5-3.6 s before
            // reads were capped at 8 KiB). The bound sits well above that, and well below the 10 s
            // a client waits for an ack.
            assertThat(p99).as("and promptly").isLessThan(5_000);
            // Short runs: 0.4-0.8 s (1-3.6 s when one read could take 64 KiB of a flooder's events).
            // With 200 flooders, whose client threads outnumber the server's by far on the same two
            // cores, the machine's scheduler sets the tail: 1.1-3.3 s.
            assertThat(worstHealth).as("a liveness probe is answered").isLessThan(FaultScale.full() ? 5_000 : 2_000);
            assertThat(maxHeap).as("heap bounded").isLessThan(240L * 1_048_576);
            assertThat(maxRss - rssBefore).as("direct buffers bounded too").isLessThan(400L * 1_048_576);
            assertThat(node.http().get("/health").status()).isEqualTo(200);
        } finally {
            flooding.set(false);
            node.kill();
            TestDatabases.drop(database);
        }
    }

    private static void flood(NodeProcess node, int n, AtomicBoolean flooding, AtomicLong sent, List<Flooder> flooders) {
        try {
            String cookie = Http.cookiePair(node.http().get("/api/session").header("set-cookie"));
            Flooder flooder = new Flooder();
            flooders.add(flooder);
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", cookie)
                    .buildAsync(URI.create(node.baseUrl().replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket"), flooder)
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("40", true).get(5, TimeUnit.SECONDS);
            ws.sendText("4200[\"SET_USERNAME\",{\"username\":\"flood_" + n + "\"}]", true).get(5, TimeUnit.SECONDS);
            ws.sendText("4201[\"JOIN_CHAT\"]", true).get(5, TimeUnit.SECONDS);
            int ack = 2;
            String body = "x".repeat(200);
            while (flooding.get() && !flooder.closedByServer.get()) {
                ws.sendText("42" + (ack++) + "[\"SEND_MESSAGE\",{\"content\":\"" + body + "\"}]", true).get(5, TimeUnit.SECONDS);
                sent.incrementAndGet();
            }
            ws.abort();
        } catch (Exception e) {
            // a flooder the server cut off, or that could not keep up: both fine
        }
    }

    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E+-]+)$", Pattern.MULTILINE);

    static long heapBytes(NodeProcess node) {
        String metrics = node.http().get("/metrics").body();
        Matcher m = HEAP.matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return (long) total;
    }
}
