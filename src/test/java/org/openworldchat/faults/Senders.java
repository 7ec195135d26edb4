package org.openworldchat.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;

/**
 * Guests sending without pause, each as a well-behaved client would: every message carries a
 * clientMessageId, a send without an ack is retried with the same id (on whichever node is
 * alive), and only an ack counts as stored. Records every send: where it went, when, and how it
 * ended (acked, refused, its connection closed before any answer, or no answer within
 * {@link #ACK_TIMEOUT} on a live connection).
 */
final class Senders implements AutoCloseable {

    /** How long a sender waits for an answer on a live connection before it gives up. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(8);

    /** How one send ended. */
    enum Outcome {
        ACKED, REFUSED,
        /** The connection ended first: the node never answered it. */
        CLOSED,
        /** No answer within {@link #ACK_TIMEOUT}, the connection still open. */
        TIMED_OUT;

        boolean answered() {
            return this == ACKED || this == REFUSED;
        }
    }

    /**
     * One SEND_MESSAGE as emitted: by which sender, to which node, when it left and when it ended
     * ({@link System#nanoTime()}), and how; {@code code} and {@code message} are the refusal's.
     */
    record Send(String sender, String node, long emittedAt, long endedAt, Outcome outcome, String code, String message) {

        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(endedAt - emittedAt);
        }

        /** Emitted before {@code instant} and ended after it: the node had it in hand then. */
        boolean spans(long instant) {
            return emittedAt < instant && endedAt > instant;
        }
    }

    private final Supplier<String> node;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** clientMessageId → message id, for every acknowledged send. */
    final Map<UUID, String> acked = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Send> sends = new ConcurrentLinkedQueue<>();
    final AtomicInteger reconnects = new AtomicInteger();
    private final List<ChatClient> clients = Collections.synchronizedList(new ArrayList<>());

    /** A connection and the node it went to. */
    private record Connection(ChatClient client, String node) {
    }

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
        Connection connection = connect(cookie);
        while (connection.client().tryEmit("SET_USERNAME", Map.of("username", name), ACK_TIMEOUT)
                .map(a -> !a.path("ok").asBoolean()).orElse(true)) {
            if (!connection.client().connected()) {
                connection.client().close();
                connection = connect(cookie);
            }
        }
        UUID pending = null;
        int n = 0;
        while (running.get() || pending != null) {
            UUID id = pending != null ? pending : UUID.randomUUID();
            Send send = send(name, connection, Map.of("content", name + " #" + n, "clientMessageId", id.toString()));
            if (send == null || !send.outcome().answered()) {
                pending = id;
                if (!connection.client().connected()) {
                    connection.client().close();
                    pause(300);
                    connection = connect(cookie);
                    reconnects.incrementAndGet();
                }
            } else if (send.outcome() == Outcome.ACKED) {
                pending = null;
                n++;
            } else {
                pending = id;
                pause(200);
            }
            if (!running.get() && pending == null) {
                break;
            }
        }
        connection.client().close();
    }

    /** Emits one SEND_MESSAGE and records how it ended; null when the connection was gone before it left. */
    private Send send(String sender, Connection connection, Map<String, Object> payload) {
        ChatClient client = connection.client();
        if (!client.connected()) {
            return null;
        }
        long emitted = System.nanoTime();
        CompletableFuture<JsonNode> ack = client.emitAsync("SEND_MESSAGE", payload);
        try {
            CompletableFuture.anyOf(ack, client.disconnected()).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException noAnswer) {
            // recorded below
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long ended = System.nanoTime();
        Send send;
        JsonNode answer = ack.getNow(null);
        if (answer != null && answer.path("ok").asBoolean()) {
            acked.put(UUID.fromString((String) payload.get("clientMessageId")), answer.at("/message/id").asText());
            send = new Send(sender, connection.node(), emitted, ended, Outcome.ACKED, null, null);
        } else if (answer != null) {
            String code = answer.at("/error/code").asText();
            refusals.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
            send = new Send(sender, connection.node(), emitted, ended, Outcome.REFUSED, code,
                    answer.at("/error/message").asText());
        } else {
            send = new Send(sender, connection.node(), emitted, ended,
                    client.disconnected().isDone() ? Outcome.CLOSED : Outcome.TIMED_OUT, null, null);
        }
        sends.add(send);
        return send;
    }

    private Connection connect(String cookie) {
        for (int attempt = 0; ; attempt++) {
            String url = node.get();
            try {
                ChatClient c = ChatClient.connect(url, cookie, "websocket");
                clients.add(c);
                return new Connection(c, url);
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

    List<Send> sends(Predicate<Send> which) {
        return sends.stream().filter(which).toList();
    }

    /** Sends that got no answer at all: their connection closed first, or the client timed out. */
    List<Send> unanswered() {
        return sends(s -> !s.outcome().answered());
    }

    /** The p-th percentile of how long answered sends waited, refusals included. */
    long percentileAnswerMillis(double p) {
        return percentile(sends(s -> s.outcome().answered()), p);
    }

    /** The p-th percentile of how long acknowledged sends waited. */
    long percentileAckMillis(double p) {
        return percentile(sends(s -> s.outcome() == Outcome.ACKED), p);
    }

    private static long percentile(List<Send> which, double p) {
        List<Long> sorted = new ArrayList<>(which.stream().map(Send::millis).sorted().toList());
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
