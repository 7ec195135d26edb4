package org.openworldchat.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestImages;

/**
 * What one hostile address tries against a node, each attack for a bounded time, as the security
 * test tried it. Each returns what it achieved, for the report.
 */
final class HostileAttacks {

    /** A Socket.IO event announcing a million binary attachments, then 60 KiB binary frames. */
    static final String ATTACHMENT_PACKET = "451000000-[\"SEND_MESSAGE\",{\"content\":{\"_placeholder\":true,\"num\":0}}]";
    static final String FORGED_LINE = "Forged - injected by a client";

    private final String baseUrl;
    private final int port;
    private final AttackerAddress attacker;
    private final List<ChatClient> namedGuests = new ArrayList<>();

    HostileAttacks(String baseUrl, int port, AttackerAddress attacker) {
        this.baseUrl = baseUrl;
        this.port = port;
        this.attacker = attacker;
    }

    /** Finding 1: attachments announced, then binary frames as fast as the node takes them. */
    Map<String, Object> binaryAttachments(Duration duration) throws InterruptedException {
        AtomicLong bytes = new AtomicLong();
        AtomicInteger connections = new AtomicInteger();
        run(4, duration, deadline -> {
            while (System.nanoTime() < deadline) {
                WebSocket ws = null;
                try {
                    ws = attacker.http().newWebSocketBuilder().buildAsync(
                            URI.create(baseUrl.replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket"),
                            new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
                    connections.incrementAndGet();
                    ws.sendText("40", true).get(5, TimeUnit.SECONDS);
                    ws.sendText(ATTACHMENT_PACKET, true).get(5, TimeUnit.SECONDS);
                    byte[] frame = new byte[60 * 1024];
                    frame[0] = 4; // as the Engine.IO message type of a binary frame
                    while (System.nanoTime() < deadline) {
                        ws.sendBinary(ByteBuffer.wrap(frame), true).get(5, TimeUnit.SECONDS);
                        bytes.addAndGet(frame.length);
                    }
                } catch (Exception closedOrRefused) {
                    pause(50);
                } finally {
                    if (ws != null) {
                        ws.abort();
                    }
                }
            }
        });
        return figures("connections", connections.get(), "attachment MB sent", bytes.get() / 1_048_576);
    }

    /** Finding 2: a unique missing file name per request, in every folder of the page. */
    Map<String, Object> missingStaticFiles(Duration duration) throws InterruptedException {
        AtomicLong requests = new AtomicLong();
        String[] folders = {"/js/", "/css/", "/img/", "/vendor/"};
        run(8, duration, deadline -> {
            int i = 0;
            while (System.nanoTime() < deadline) {
                String folder = folders[i++ % folders.length];
                if (status(get(folder + UUID.randomUUID() + ".js", Map.of())) > 0) {
                    requests.incrementAndGet();
                }
            }
        });
        return figures("requests", requests.get());
    }

    /**
     * Finding 3: reading without a cookie as fast as possible (each read once minted a stored
     * guest), then fresh guests that take a name, write and rename, to walk around per-guest limits.
     */
    Map<String, Object> freshGuests(Duration duration) throws InterruptedException {
        AtomicLong reads = new AtomicLong();
        AtomicLong readsRefused = new AtomicLong();
        AtomicInteger named = new AtomicInteger();
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger renamed = new AtomicInteger();
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        Duration half = duration.dividedBy(2);
        run(4, half, deadline -> {
            while (System.nanoTime() < deadline) {
                HttpResponse<String> session = get("/api/session", Map.of());
                (status(session) == 200 ? reads : readsRefused).incrementAndGet();
            }
        });
        run(4, half, deadline -> {
            while (System.nanoTime() < deadline) {
                Optional<ChatClient> guest = freshSocket();
                if (guest.isEmpty()) {
                    pause(100);
                    continue;
                }
                try (ChatClient client = guest.get()) {
                    String name = "mint" + UUID.randomUUID().toString().substring(0, 8);
                    if (!answered(client, "SET_USERNAME", Map.of("username", name), refusals)) {
                        continue;
                    }
                    named.incrementAndGet();
                    for (int i = 0; i < 3; i++) {
                        if (answered(client, "SEND_MESSAGE", Map.of("content", "spam " + i), refusals)) {
                            stored.incrementAndGet();
                        }
                    }
                    for (int i = 0; i < 2; i++) {
                        if (answered(client, "SET_USERNAME", Map.of("username", name + "x" + i), refusals)) {
                            renamed.incrementAndGet();
                        }
                    }
                }
            }
        });
        return figures("reads", reads.get(), "reads refused", readsRefused.get(), "names taken", named.get(),
                "messages stored", stored.get(), "renames", renamed.get(), "refusals", counts(refusals));
    }

    /** Finding 3 (uploads) and 11: large photos and cheap-to-send, dear-to-decode PNGs from fresh guests. */
    Map<String, Object> uploads(Duration duration, byte[] largePhoto, byte[] heavyPng) throws InterruptedException {
        AtomicInteger storedUploads = new AtomicInteger();
        AtomicLong storedBytes = new AtomicLong();
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        run(5, duration, deadline -> {
            boolean heavy = Thread.currentThread().getName().endsWith("0") || Thread.currentThread().getName().endsWith("1");
            while (System.nanoTime() < deadline) {
                String cookie = freshCookie().orElse(null);
                if (cookie == null) {
                    pause(100);
                    continue;
                }
                HttpResponse<String> reply = upload(attacker, baseUrl, cookie, heavy ? heavyPng : largePhoto);
                if (status(reply) == 201) {
                    storedUploads.incrementAndGet();
                    storedBytes.addAndGet(heavy ? heavyPng.length : largePhoto.length);
                } else {
                    refusals.computeIfAbsent(String.valueOf(status(reply)), k -> new AtomicInteger()).incrementAndGet();
                    pause(100);
                }
            }
        });
        return figures("uploads stored", storedUploads.get(), "MB stored", storedBytes.get() / 1_048_576,
                "refusals by status", counts(refusals));
    }

    /**
     * Finding 4: request bodies dribbled one byte every 5 s, and unfinished 5 MiB uploads, held
     * open for the whole attack. Returns the connections the node still had open at the end.
     */
    Map<String, Object> slowConnections(Duration duration, int dribblers, int unfinishedUploads) throws InterruptedException {
        List<Socket> open = new ArrayList<>();
        byte[] body = new byte[4 * 1024 * 1024];
        for (int i = 0; i < unfinishedUploads; i++) {
            byte[] head = ("POST /api/uploads HTTP/1.1\r\nHost: chat\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                    + "Content-Length: " + (5 * 1024 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            Optional<Socket> socket = openWith(head);
            socket.ifPresent(s -> {
                open.add(s);
                Thread.ofVirtual().start(() -> write(s, body)); // stalls when the node stops reading
            });
        }
        int opened = 0;
        for (int i = 0; i < dribblers; i++) {
            Optional<Socket> socket = openWith(("POST /api/messages HTTP/1.1\r\nHost: chat\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            socket.ifPresent(open::add);
            opened += socket.isPresent() ? 1 : 0;
        }
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            pause(Math.min(5_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            for (Socket s : open) {
                write(s, new byte[]{' '});
            }
        }
        long stillOpen = open.stream().filter(HostileAttacks::stillOpen).count();
        open.forEach(AttackerAddress::quietly);
        return figures("connections opened", opened, "unfinished uploads", unfinishedUploads,
                "still open after " + duration.toSeconds() + " s", stillOpen);
    }

    /** Named guests of this address, as many as it is allowed (up to {@code wanted}), kept joined. */
    int takeNames(int wanted) {
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        for (int i = 0; i < wanted * 2 && namedGuests.size() < wanted; i++) {
            Optional<ChatClient> guest = freshSocket();
            if (guest.isEmpty()) {
                continue;
            }
            if (answered(guest.get(), "SET_USERNAME", Map.of("username", "horde" + UUID.randomUUID().toString().substring(0, 8)),
                    refusals)) {
                guest.get().join();
                namedGuests.add(guest.get());
            } else {
                guest.get().close();
            }
        }
        return namedGuests.size();
    }

    /** Finding 5: every named guest reacts with 20 emoji on one message, then toggles them all the time. */
    Map<String, Object> reactionAmplification(Duration duration, String messageId) throws InterruptedException {
        AtomicInteger toggles = new AtomicInteger();
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        int[] emoji = {0x1F600, 0x1F601, 0x1F602, 0x1F603, 0x1F604, 0x1F605, 0x1F606, 0x1F607, 0x1F608, 0x1F609,
            0x1F60A, 0x1F60B, 0x1F60C, 0x1F60D, 0x1F60E, 0x1F60F, 0x1F610, 0x1F611, 0x1F612, 0x1F613};
        List<ChatClient> guests = List.copyOf(namedGuests);
        run(guests.size(), duration, deadline -> {
            ChatClient guest = guests.get(Integer.parseInt(Thread.currentThread().getName().replaceAll("\\D", "")));
            for (int i = 0; System.nanoTime() < deadline; i++) {
                if (answered(guest, "SEND_REACTION", Map.of("messageId", messageId,
                        "emoji", Character.toString(emoji[i % emoji.length])), refusals)) {
                    toggles.incrementAndGet();
                } else {
                    pause(200);
                }
            }
        });
        return figures("named guests", guests.size(), "toggles stored", toggles.get(), "refusals", counts(refusals));
    }

    /** Finding 6: messages of 2,000 emoji, as many as the node stores, to poison everyone's catch-up. */
    Map<String, Object> poisonedHistory(Duration duration) throws InterruptedException {
        AtomicInteger stored = new AtomicInteger();
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        String heavy = "\uD83D\uDE00".repeat(2_000);
        List<ChatClient> guests = List.copyOf(namedGuests);
        run(guests.size(), duration, deadline -> {
            ChatClient guest = guests.get(Integer.parseInt(Thread.currentThread().getName().replaceAll("\\D", "")));
            while (System.nanoTime() < deadline) {
                if (answered(guest, "SEND_MESSAGE", Map.of("content", heavy), refusals)) {
                    stored.incrementAndGet();
                } else {
                    pause(200);
                }
            }
        });
        return figures("messages of 2,000 emoji stored", stored.get(), "refusals", counts(refusals));
    }

    /** Finding 8: forged log lines, terminal escapes and long paths, as many as the node answers. */
    Map<String, Object> logFlood(Duration duration) throws InterruptedException {
        AtomicLong requests = new AtomicLong();
        String longPath = "a".repeat(4_000);
        List<String> paths = List.of(
                "/socket.io/x%0a2026-12-08T00:00:00.000Z%20ERROR%20" + FORGED_LINE.replace(" ", "%20"),
                "/socket.io/%1b%5B31mred%1b%5B0m",
                "/socket.io/" + longPath,
                "/socket.io/?EIO=4&transport=polling&sid=" + longPath,
                "/api/" + longPath,
                "/api/messages?before=%0a" + longPath);
        run(8, duration, deadline -> {
            for (int i = 0; System.nanoTime() < deadline; i++) {
                if (status(get(paths.get(i % paths.size()), Map.of())) > 0) {
                    requests.incrementAndGet();
                }
            }
        });
        return figures("bad requests", requests.get());
    }

    /** Closes the named guests' sockets. */
    void close() {
        namedGuests.forEach(ChatClient::close);
        namedGuests.clear();
    }

    // ---- helpers ----

    private Optional<String> freshCookie() {
        HttpResponse<String> session = get("/api/session", Map.of());
        return session == null ? Optional.empty()
                : session.headers().firstValue("set-cookie").map(v -> v.split(";", 2)[0]);
    }

    private Optional<ChatClient> freshSocket() {
        try {
            Optional<String> cookie = freshCookie();
            return cookie.map(c -> ChatClient.connect(baseUrl, Map.of("Cookie", c), attacker.okHttp(), "websocket"));
        } catch (IllegalStateException refused) {
            return Optional.empty();
        }
    }

    private static boolean answered(ChatClient client, String event, Map<String, Object> payload,
                                    Map<String, AtomicInteger> refusals) {
        Optional<JsonNode> ack = client.tryEmit(event, payload, Duration.ofSeconds(5));
        if (ack.isPresent() && ack.get().path("ok").asBoolean()) {
            return true;
        }
        String code = ack.map(a -> a.at("/error/code").asText()).orElse("no answer");
        refusals.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
        return false;
    }

    static HttpResponse<String> upload(AttackerAddress from, String baseUrl, String cookie, byte[] file) {
        return upload(from.http(), baseUrl, cookie, file);
    }

    static HttpResponse<String> upload(java.net.http.HttpClient http, String baseUrl, String cookie, byte[] file) {
        TestImages.Multipart form = TestImages.multipart("image", "photo", "image/jpeg", file);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/uploads")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", form.contentType()).header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
            headers.forEach(b::header);
            return attacker.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            return null; // refused, reset, or a path the client library will not send
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int status(HttpResponse<?> response) {
        return response == null ? -1 : response.statusCode();
    }

    private Optional<Socket> openWith(byte[] head) {
        try {
            Socket socket = attacker.connect(port);
            socket.getOutputStream().write(head);
            socket.getOutputStream().flush();
            return Optional.of(socket);
        } catch (IOException refused) {
            return Optional.empty();
        }
    }

    private static void write(Socket socket, byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException closedByTheNode) {
            // counted at the end
        }
    }

    /** Whether the node has kept the connection: a read that times out means nothing came, not even its end. */
    private static boolean stillOpen(Socket socket) {
        try {
            socket.setSoTimeout(10);
            byte[] buffer = new byte[8192];
            while (true) {
                if (socket.getInputStream().read(buffer) < 0) {
                    return false;
                }
            }
        } catch (java.net.SocketTimeoutException nothingYet) {
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    private interface Loop {
        void run(long deadlineNanos) throws Exception;
    }

    /** {@code threads} virtual threads (named 0, 1, …) running {@code loop} until the deadline. */
    private static void run(int threads, Duration duration, Loop loop) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofVirtual().name(String.valueOf(i)).start(() -> {
                try {
                    loop.run(deadline);
                } catch (Exception e) {
                    // an attack that breaks off early just achieves less
                }
            }));
        }
        for (Thread t : started) {
            t.join(duration.toMillis() + 30_000);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> figures(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> counted) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        counted.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
