package org.openworldchat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import java.io.IOException;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.openworldchat.contract.ServerEvent;

/**
 * A real Socket.IO client (the maintained Java client, protocol v4) over a real socket, with
 * blocking helpers for tests. Records every server event it receives.
 */
public final class ChatClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * One HTTP client for every test socket. OkHttp's default allows five requests per host, and
     * each polling socket keeps one long poll open: with many sockets the rest would queue.
     */
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .dispatcher(dispatcher())
            .readTimeout(Duration.ofMinutes(1))
            .build();

    /** A builder for an HTTP client like the default one (same dispatcher and timeouts), to add TLS or DNS settings to. */
    public static OkHttpClient.Builder httpClientBuilder() {
        return HTTP.newBuilder();
    }

    private static Dispatcher dispatcher() {
        Dispatcher d = new Dispatcher();
        d.setMaxRequests(10_000);
        d.setMaxRequestsPerHost(10_000);
        return d;
    }
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final Map<String, BlockingQueue<JsonNode>> received = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
    private volatile String issuedCookie;

    private ChatClient(Socket socket) {
        this.socket = socket;
    }

    /** Connects (both transports, upgrade allowed) and waits until connected. */
    public static ChatClient connect(String baseUrl, String cookie) {
        return connect(baseUrl, cookie, "polling", "websocket");
    }

    public static ChatClient connect(String baseUrl, String cookie, String... transports) {
        return connect(baseUrl, cookie == null ? Map.of() : Map.of("Cookie", cookie), transports);
    }

    /** Connects with extra request headers on every transport request. */
    public static ChatClient connect(String baseUrl, Map<String, String> headers, String... transports) {
        return connect(baseUrl, headers, HTTP, transports);
    }

    /**
     * Connects through an HTTP client of the caller's (one that trusts a test certificate, say),
     * made from {@link #httpClientBuilder()} so that it allows as many long polls.
     */
    public static ChatClient connect(String baseUrl, Map<String, String> headers, OkHttpClient http, String... transports) {
        IO.Options options = IO.Options.builder()
                .setTransports(transports)
                .setForceNew(true)
                .setReconnection(false)
                .setTimeout(TIMEOUT.toMillis())
                .build();
        options.callFactory = http;
        options.webSocketFactory = http;
        Map<String, List<String>> extra = new java.util.HashMap<>();
        headers.forEach((k, v) -> extra.put(k, List.of(v)));
        options.extraHeaders = extra;
        Socket socket = IO.socket(java.net.URI.create(baseUrl), options);
        ChatClient client = new ChatClient(socket);
        client.listen();
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, a -> connected.complete(null));
        socket.once(Socket.EVENT_CONNECT_ERROR, a -> connected.completeExceptionally(
                new IllegalStateException("connect failed: " + (a.length > 0 ? a[0] : ""))));
        socket.connect();
        try {
            connected.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            socket.close();
            throw new IllegalStateException("could not connect to " + baseUrl, e);
        }
        return client;
    }

    private void listen() {
        // On the client's one event thread, after every ack that arrived before the connection ended.
        socket.on(Socket.EVENT_DISCONNECT, args -> disconnected.complete(null));
        socket.io().on(Manager.EVENT_TRANSPORT, args -> {
            Transport transport = (Transport) args[0];
            transport.on(Transport.EVENT_RESPONSE_HEADERS, h -> {
                @SuppressWarnings("unchecked")
                Map<String, List<String>> headers = (Map<String, List<String>>) h[0];
                headers.forEach((name, values) -> {
                    if ("set-cookie".equalsIgnoreCase(name)) {
                        values.stream().filter(v -> v.startsWith("owc_guest=")).findFirst()
                                .ifPresent(v -> issuedCookie = v);
                    }
                });
            });
        });
        for (ServerEvent event : ServerEvent.values()) {
            socket.on(event.wireName(), args -> queue(event.wireName()).add(args.length == 0 ? JSON.nullNode() : toJson(args[0])));
        }
    }

    /** The Set-Cookie value of {@code owc_guest} the handshake returned, if any. */
    public String issuedCookie() {
        return issuedCookie;
    }

    /** Emits with an acknowledgement callback and waits for the ack. {@code payload} null sends no argument. */
    public JsonNode emit(String event, Object payload) {
        CompletableFuture<JsonNode> ack = emitAsync(event, payload);
        try {
            return ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no ack for " + event + " within " + TIMEOUT, e);
        }
    }

    /** Emits with an acknowledgement callback without waiting; the future holds the ack. */
    public CompletableFuture<JsonNode> emitAsync(String event, Object payload) {
        CompletableFuture<JsonNode> ack = new CompletableFuture<>();
        Ack callback = args -> ack.complete(args.length == 0 ? JSON.nullNode() : toJson(args[0]));
        if (payload == null) {
            socket.emit(event, callback);
        } else {
            socket.emit(event, toOrgJson(payload), callback);
        }
        return ack;
    }

    /** Emits with an ack callback; empty when no ack came within {@code timeout} (or the socket is gone). */
    public java.util.Optional<JsonNode> tryEmit(String event, Object payload, Duration timeout) {
        if (!socket.connected()) {
            return java.util.Optional.empty();
        }
        CompletableFuture<JsonNode> ack = new CompletableFuture<>();
        socket.emit(event, toOrgJson(payload), (Ack) args -> ack.complete(args.length == 0 ? JSON.nullNode() : toJson(args[0])));
        try {
            return java.util.Optional.of(ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    /** Emits raw arguments (any number, any JSON shape) with an ack callback. */
    public JsonNode emitArgs(String event, Object... args) {
        CompletableFuture<JsonNode> ack = new CompletableFuture<>();
        Object[] all = new Object[args.length + 1];
        for (int i = 0; i < args.length; i++) {
            all[i] = toOrgJson(args[i]);
        }
        all[args.length] = (Ack) a -> ack.complete(a.length == 0 ? JSON.nullNode() : toJson(a[0]));
        socket.emit(event, all);
        try {
            return ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no ack for " + event + " within " + TIMEOUT, e);
        }
    }

    /** Emits without an acknowledgement callback. */
    public void emitNoAck(String event, Object payload) {
        if (payload == null) {
            socket.emit(event);
        } else {
            socket.emit(event, toOrgJson(payload));
        }
    }

    public JsonNode join() {
        return ok(emit("JOIN_CHAT", null));
    }

    public JsonNode setUsername(String name) {
        return ok(emit("SET_USERNAME", Map.of("username", name)));
    }

    /** Sends text; returns the stored message from the ack. */
    public JsonNode send(String content) {
        return ok(emit("SEND_MESSAGE", Map.of("content", content))).get("message");
    }

    /** The next server event of that name (waiting up to the timeout), or an assertion error. */
    public JsonNode next(String event) {
        return next(event, TIMEOUT);
    }

    public JsonNode next(String event, Duration timeout) {
        try {
            JsonNode n = queue(event).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (n == null) {
                throw new AssertionError("no " + event + " within " + timeout);
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits {@code quiet} and returns every event of that name received so far (and removes them). */
    public List<JsonNode> drain(String event, Duration quiet) {
        try {
            Thread.sleep(quiet.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JsonNode> out = new ArrayList<>();
        queue(event).drainTo(out);
        return out;
    }

    public boolean connected() {
        return socket.connected();
    }

    /**
     * Completes when the connection ends, whoever ends it. The client runs acks and this on one
     * thread in arrival order, so an ack still pending then was never answered on this connection.
     */
    public CompletableFuture<Void> disconnected() {
        return disconnected;
    }

    private BlockingQueue<JsonNode> queue(String event) {
        return received.computeIfAbsent(event, e -> new LinkedBlockingQueue<>());
    }

    /** Asserts the ack is a refusal and returns its error code. */
    public static String errorCode(JsonNode ack) {
        if (ack.path("ok").asBoolean(true)) {
            throw new AssertionError("expected a refusal, got " + ack);
        }
        return ack.at("/error/code").asText();
    }

    /** Asserts the ack is {@code ok: true} and returns it. */
    public static JsonNode ok(JsonNode ack) {
        if (!ack.path("ok").asBoolean(false)) {
            throw new AssertionError("expected ok ack, got " + ack);
        }
        return ack;
    }

    private static Object toOrgJson(Object value) {
        try {
            String json = JSON.writeValueAsString(value);
            if (json.startsWith("{")) {
                return new JSONObject(json);
            }
            if (json.startsWith("[")) {
                return new JSONArray(json);
            }
            if (json.equals("null")) {
                return JSONObject.NULL;
            }
            return JSON.readValue(json, Object.class);
        } catch (IOException | JSONException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode toJson(Object value) {
        try {
            return JSON.readTree(value == null || value == JSONObject.NULL ? "null"
                    : value instanceof String s ? JSON.writeValueAsString(s) : value.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
