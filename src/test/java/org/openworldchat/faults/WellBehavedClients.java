package org.openworldchat.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;

/**
 * People chatting from the test's own address while another address attacks: each sends a
 * message every second and a half (under every limit), with a clientMessageId, and
 * waits for its ack. Every send is recorded with the attack running at the time.
 */
final class WellBehavedClients implements AutoCloseable {

    /** How long a send may go unanswered before it counts as lost. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PACE = Duration.ofMillis(1_500);

    /** One send: during which attack, how long its answer took (-1: none came), and whether it was stored. */
    record Send(String phase, long millis, boolean acked, String refusal) {
    }

    private final List<ChatClient> clients = new ArrayList<>();
    private final List<String> cookies = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Send> sends = new ConcurrentLinkedQueue<>();
    /** Message ids of every acknowledged send. */
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    private volatile String phase = "baseline";
    private volatile boolean running = true;

    WellBehavedClients(String baseUrl, int count) {
        for (int i = 0; i < count; i++) {
            String cookie = Http.cookiePair(new Http(baseUrl).get("/api/session").header("set-cookie"));
            cookies.add(cookie);
            ChatClient client = ChatClient.connect(baseUrl, cookie, "websocket");
            client.setUsername("regular_" + i);
            client.join();
            clients.add(client);
        }
    }

    void start() {
        for (ChatClient client : clients) {
            threads.add(Thread.ofVirtual().start(() -> chat(client)));
        }
    }

    /** Which attack is running now, for the sends from here on. */
    void phase(String name) {
        phase = name;
    }

    /** The cookie of the i-th person, for their HTTP requests. */
    String cookie(int i) {
        return cookies.get(i);
    }

    ChatClient first() {
        return clients.getFirst();
    }

    private void chat(ChatClient client) {
        int n = 0;
        while (running) {
            long started = System.nanoTime();
            String during = phase;
            Optional<JsonNode> ack = client.tryEmit("SEND_MESSAGE",
                    Map.of("content", "still chatting #" + n++, "clientMessageId", UUID.randomUUID().toString()),
                    ACK_TIMEOUT);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (ack.isEmpty()) {
                sends.add(new Send(during, -1, false, null));
            } else if (ack.get().path("ok").asBoolean()) {
                acked.add(ack.get().at("/message/id").asText());
                sends.add(new Send(during, millis, true, null));
            } else {
                sends.add(new Send(during, millis, false, ack.get().at("/error/code").asText()));
            }
            pause(PACE.toMillis() - millis);
        }
    }

    List<Send> sends(String during) {
        return sends.stream().filter(s -> s.phase().equals(during)).toList();
    }

    List<Send> sends() {
        return List.copyOf(sends);
    }

    /** The 99th percentile of answer times (an unanswered send counts as the timeout). */
    static long p99(List<Send> sends) {
        List<Long> millis = new ArrayList<>(sends.stream()
                .map(s -> s.millis() < 0 ? ACK_TIMEOUT.toMillis() : s.millis()).toList());
        if (millis.isEmpty()) {
            return -1;
        }
        Collections.sort(millis);
        return millis.get((int) Math.min(millis.size() - 1, Math.floor(0.99 * millis.size())));
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(ACK_TIMEOUT.toMillis() + 1_000);
        }
        clients.forEach(ChatClient::close);
    }
}
