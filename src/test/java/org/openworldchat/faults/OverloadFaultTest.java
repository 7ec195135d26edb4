package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * /health answers, and its memory stays bounded (it runs with a 256 MB heap). Then a
 * broadcast-heavy phase: the node must cut the slow consumers off once their unsent output
 * passes its cap, and each of them must see its connection end.
 */
class OverloadFaultTest {

    private static final int FLOODERS = FaultScale.full() ? 200 : 40;

    /**
     * What each flooder sends in the broadcast-heavy phase: a message of the longest kind, 2,000
     * emoji of four bytes each, so that every one the node stores is a broadcast of 8 KB to every
     * socket, the flooders' own included. A flooder that reads nothing then leaves the node
     * megabytes of unsent output within a few hundred messages, past the 4 MiB at which the node
     * closes its connection (after what the TCP buffers take, up to 4 MB more here).
     */
    private static final String HEAVY_BODY = "\uD83D\uDE00".repeat(2_000);

    /** The node's log line for each connection it closed because its client stopped reading. */
    private static final String CUT_OFF_LOG = "closing a connection whose client stopped reading";

    /**
     * A raw Engine.IO client that sends as fast as it can and reads nothing past its first few
     * frames: the JDK's websocket takes no more from the socket than the listener asks for, so
     * the server's output piles up in the TCP buffers and then in the server itself.
     *
     * <p>The node cuts such a connection off by closing it, without a close frame. A client that
     * does not read cannot see that, so each flooder learns it either from a send that fails, or
     * after the flood, when it starts reading again: it then reads what was left in its buffers
     * and comes to the end of the connection ({@link #onError}, or {@link #onClose} if a close
     * frame came after all). A connection the node kept stays open and just keeps delivering.
     */
    private static final class Flooder implements WebSocket.Listener {
        final AtomicBoolean closedByServer = new AtomicBoolean();
        private volatile WebSocket ws;

        @Override
        public void onOpen(WebSocket ws) {
            this.ws = ws;
            ws.request(8); // the open packet and a few more, then nothing: a slow consumer
        }

        // The listener's defaults ask for one more message after each: these ask for none.
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            return null;
        }

        /** Reads everything from now on. */
        void resume() {
            WebSocket socket = ws;
            if (socket != null) {
                socket.request(Long.MAX_VALUE);
            }
        }

        void abort() {
            WebSocket socket = ws;
            if (socket != null) {
                socket.abort();
            }
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
        AtomicReference<String> body = new AtomicReference<>("x".repeat(200));
        AtomicLong floodSent = new AtomicLong();
        List<Flooder> flooders = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        try {
            long heapBefore = heapBytes(node);
            long rssBefore = node.rssBytes();
            Samples samples = new Samples(heapBefore, rssBefore);
            List<Long> goodAcks = new ArrayList<>();
            int lost = 0;
            try (ChatClient good = ChatClient.connect(node.baseUrl(), (String) null, "websocket")) {
                good.setUsername("well_behaved");
                good.join();
                for (int i = 0; i < FLOODERS; i++) {
                    int n = i;
                    threads.add(Thread.ofVirtual().start(() -> flood(node, n, flooding, body, floodSent, flooders)));
                }
                // The flood: a well-behaved client in the room keeps sending and reading.
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FaultScale.phaseMillis() * 4);
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    var ack = good.tryEmit("SEND_MESSAGE", Map.of("content", "still here"), Duration.ofSeconds(10));
                    if (ack.isPresent()) {
                        goodAcks.add((System.nanoTime() - t0) / 1_000_000);
                    } else {
                        lost++;
                    }
                    samples.take(node);
                    Thread.sleep(50); // many samples, so the p99 is not simply the slowest one
                }
            }
            // Broadcast-heavy: every stored message is now 8 KB to every flooder, until the node
            // has cut slow consumers off (or 30 s have passed, and the test fails).
            body.set(HEAVY_BODY);
            long heavyStart = System.nanoTime();
            long heavyEnd = heavyStart + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < heavyEnd && (System.nanoTime() - heavyStart < TimeUnit.MILLISECONDS.toNanos(FaultScale.phaseMillis())
                    || cutOffLogged(node) == 0)) {
                samples.take(node);
                Thread.sleep(100);
            }
            long heavyMillis = (System.nanoTime() - heavyStart) / 1_000_000;
            flooding.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
            Collections.sort(goodAcks);
            long p99 = goodAcks.isEmpty() ? -1 : goodAcks.get((int) Math.min(goodAcks.size() - 1, Math.floor(0.99 * goodAcks.size())));
            long cutOff = awaitCutOff(flooders);
            long cutOffLogged = cutOffLogged(node);

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("flooding clients", FLOODERS);
            figures.put("flood packets sent", floodSent.get());
            figures.put("broadcast-heavy phase ms", heavyMillis);
            figures.put("slow consumers cut off (seen by them / logged by the node)", cutOff + " / " + cutOffLogged);
            figures.put("well-behaved ack p99 ms", p99);
            figures.put("well-behaved acks missing", lost);
            figures.put("slowest /health ms", samples.worstHealth);
            figures.put("heap MB before / max", heapBefore / 1_048_576 + " / " + samples.maxHeap / 1_048_576);
            figures.put("process RSS MB before / max", rssBefore / 1_048_576 + " / " + samples.maxRss / 1_048_576);
            FaultReport.record("flood from many guests, slow consumers", figures);

            assertThat(lost).as("the well-behaved client always got an answer").isZero();
            assertThat(cutOff).as("the node closed connections whose clients stopped reading").isPositive();
            assertThat(cutOffLogged).as("every connection a flooder saw end was one the node cut off, and logged")
                    .isGreaterThanOrEqualTo(cutOff);
            // Over a hundred or two samples the p99 is close to the slowest ack, so one stall of the
            // shared two-core machine shows in it: across runs it was 0.5-0.9 s (0.5-3.6 s before
            // reads were capped at 8 KiB). The bound sits well above that, and well below the 10 s
            // a client waits for an ack.
            assertThat(p99).as("and promptly").isLessThan(5_000);
            // Short runs: 0.4-0.8 s (1-3.6 s when one read could take 64 KiB of a flooder's events).
            // With 200 flooders, whose client threads outnumber the server's by far on the same two
            // cores, the machine's scheduler sets the tail: 1.1-3.3 s.
            assertThat(samples.worstHealth).as("a liveness probe is answered").isLessThan(FaultScale.full() ? 5_000 : 2_000);
            assertThat(samples.maxHeap).as("heap bounded").isLessThan(240L * 1_048_576);
            assertThat(samples.maxRss - rssBefore).as("direct buffers bounded too").isLessThan(400L * 1_048_576);
            assertThat(node.http().get("/health").status()).isEqualTo(200);
        } finally {
            flooding.set(false);
            synchronized (flooders) {
                flooders.forEach(Flooder::abort);
            }
            node.kill();
            TestDatabases.drop(database);
        }
    }

    /** The node's health, heap and process memory, sampled through the flood. */
    private static final class Samples {
        long worstHealth;
        long maxHeap;
        long maxRss;

        Samples(long heap, long rss) {
            maxHeap = heap;
            maxRss = rss;
        }

        void take(NodeProcess node) {
            long h0 = System.nanoTime();
            assertThat(node.http().get("/health").status()).isEqualTo(200);
            worstHealth = Math.max(worstHealth, (System.nanoTime() - h0) / 1_000_000);
            maxHeap = Math.max(maxHeap, heapBytes(node));
            maxRss = Math.max(maxRss, node.rssBytes());
        }
    }

    private static long cutOffLogged(NodeProcess node) {
        return node.log().lines().filter(l -> l.contains(CUT_OFF_LOG)).count();
    }

    private static void flood(NodeProcess node, int n, AtomicBoolean flooding, AtomicReference<String> body, AtomicLong sent,
                              List<Flooder> flooders) {
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
            while (flooding.get() && !flooder.closedByServer.get()) {
                CompletableFuture<WebSocket> sending = ws.sendText("42" + (ack++) + "[\"SEND_MESSAGE\",{\"content\":\"" + body.get() + "\"}]", true);
                // A send waits while the node is not reading this socket (its backlog is full).
                while (flooding.get()) {
                    try {
                        sending.get(200, TimeUnit.MILLISECONDS);
                        sent.incrementAndGet();
                        break;
                    } catch (TimeoutException stillWaiting) {
                        // the node reads this socket again once its backlog drains
                    } catch (ExecutionException failed) {
                        // This client never closes its side: the node closed the connection.
                        flooder.closedByServer.set(true);
                        return;
                    }
                }
            }
        } catch (Exception e) {
            // a flooder that could not connect or start: it floods nothing
        }
    }

    /**
     * After the flood: every flooder reads again, and those the node cut off come to the end of
     * their connection. Waits until no more do for two seconds (at most 20 s), then counts them.
     */
    private static long awaitCutOff(List<Flooder> flooders) throws InterruptedException {
        synchronized (flooders) {
            flooders.forEach(Flooder::resume);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long seen = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = flooders.stream().filter(f -> f.closedByServer.get()).count();
            if (now != seen) {
                seen = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(2)) {
                break;
            }
            Thread.sleep(100);
        }
        return flooders.stream().filter(f -> f.closedByServer.get()).count();
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
