package org.openworldchat.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;

/**
 * Guests sending without pause, each as a well-behaved client would: every message carries a
 * clientMessageId, a send without an ack is retried with the same id (on whichever node is
 * alive), and only an ack counts as stored. Records what was acknowledged, refused, and how long
 * acks took.
 */
final class Senders implements AutoCloseable {

    static final Duration ACK_TIMEOUT = Duration.ofSeconds(8);

    private final Supplier<String> node;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** clientMessageId → message id, for every acknowledged send. */
    final Map<UUID, String> acked = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Long> ackMillis = new ConcurrentLinkedQueue<>();
    final AtomicInteger reconnects = new AtomicInteger();
    private final List<ChatClient> clients = Collections.synchronizedList(new ArrayList<>());

    /** @param node the base URL of a live node, asked again after every disconnect */
    Senders(int count, String namePrefix, Supplier<String> node) {
        this.node = node;
        for (int i = 0; i < count; i++) {
            String name = namePrefix + i;
            threads.add(Thread.ofVirtual().unstarted(() -> loop(name)));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void loop(String name) {
        String cookie = Http.cookiePair(new Http(node.get()).get("/api/session").header("set-cookie"));
        ChatClient client = connect(cookie);
        while (client.tryEmit("SET_USERNAME", Map.of("username", name), ACK_TIMEOUT)
                .map(a -> !a.path("ok").asBoolean()).orElse(true)) {
            if (!client.connected()) {
                client.close();
                client = connect(cookie);
            }
        }
        UUID pending = null;
        int n = 0;
        while (running.get() || pending != null) {
            UUID id = pending != null ? pending : UUID.randomUUID();
            long start = System.nanoTime();
            Optional<JsonNode> ack = client.tryEmit("SEND_MESSAGE",
                    Map.of("content", name + " #" + n, "clientMessageId", id.toString()), ACK_TIMEOUT);
            if (ack.isPresent() && ack.get().path("ok").asBoolean()) {
                ackMillis.add((System.nanoTime() - start) / 1_000_000);
                acked.put(id, ack.get().at("/message/id").asText());
                pending = null;
                n++;
            } else if (ack.isPresent()) {
                refusals.computeIfAbsent(ack.get().at("/error/code").asText(), k -> new AtomicInteger()).incrementAndGet();
                pending = id;
                pause(200);
            } else {
                pending = id;
                if (!client.connected()) {
                    client.close();
                    pause(300);
                    client = connect(cookie);
                    reconnects.incrementAndGet();
                }
            }
            if (!running.get() && pending == null) {
                break;
            }
        }
        client.close();
    }

    private ChatClient connect(String cookie) {
        for (int attempt = 0; ; attempt++) {
            try {
                ChatClient c = ChatClient.connect(node.get(), cookie, "websocket");
                clients.add(c);
                return c;
            } catch (IllegalStateException e) {
                if (attempt > 50) {
                    throw e;
                }
                pause(200);
            }
        }
    }

    /** Waits until the senders are really sending (connected, named, acked {@code count} messages). */
    void awaitAcked(int count, Duration within) {
        org.awaitility.Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> acked.size() >= count);
    }

    /** Stops sending; each sender still retries its unacknowledged message until it is stored. */
    void stop(Duration within) throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(within.toMillis());
        }
    }

    long percentileAckMillis(double p) {
        List<Long> sorted = new ArrayList<>(ackMillis);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        synchronized (clients) {
            clients.forEach(ChatClient::close);
        }
    }
}
