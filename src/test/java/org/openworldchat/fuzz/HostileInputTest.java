package org.openworldchat.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/**
 * Random and hostile input at every event and endpoint. Whatever arrives, the server answers
 * with ok or a contract code (never INTERNAL_ERROR, never a 5xx), and keeps serving others. Raw
 * HTTP (random methods, paths, headers, framing and bodies, hostile upload forms) gets an answer
 * or a clean close, never a hang, and a normal request is answered after each.
 */
class HostileInputTest {

    private static final Set<String> CODES = Arrays.stream(ErrorCode.values())
            .filter(c -> c != ErrorCode.INTERNAL_ERROR).map(Enum::name).collect(Collectors.toSet());
    private static final String[] EVENTS = {"JOIN_CHAT", "SET_USERNAME", "SEND_MESSAGE", "SEND_REACTION"};

    /** Long enough for any honest answer; past it, a request that got neither an answer nor a close has hung. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final List<String> ENDPOINTS = List.of("/", "/api/session", "/api/messages", "/api/uploads",
            "/health", "/ready", "/metrics", "/uploads/AAAAAAAAAAAAAAAAAAAAAA.png", "/js/app.js", "/nope",
            "/socket.io/?EIO=4&transport=polling", "/socket.io/?EIO=4&transport=polling&sid=nope");

    private static TestApp app;
    private static Http http;
    private static String cookie;
    private static ChatClient writer;
    private static ChatClient lurker;
    private static String messageId;

    @BeforeContainer
    static void start() {
        app = TestApp.start();
        http = app.http();
        cookie = Http.cookiePair(http.get("/api/session").header("set-cookie"));
        writer = app.writer("fuzz_writer");
        lurker = app.client();
        messageId = writer.send("a target for replies and reactions").get("id").asText();
    }

    @AfterContainer
    static void stop() {
        writer.close();
        lurker.close();
        app.close();
    }

    private static void assertAnswered(JsonNode ack) {
        if (ack.path("ok").asBoolean(false)) {
            return;
        }
        assertThat(ack.at("/error/code").asText()).as("ack %s", ack).isIn(CODES);
    }

    @Provide
    Arbitrary<String> events() {
        return Arbitraries.of(EVENTS);
    }

    @Property(tries = 150)
    void anyPayloadAtAnyEventGetsAContractAnswer(@ForAll("events") String event, @ForAll("payloads") Object payload) {
        ChatClient client = payload instanceof Map<?, ?> && event.equals("SET_USERNAME") ? lurker : writer;
        assertAnswered(client.emitArgs(event, payload));
    }

    @Property(tries = 100)
    void realFieldsWithHostileValues(@ForAll("events") String event, @ForAll("shaped") Map<String, Object> payload) {
        if (payload.containsKey("replyToMessageId") && payload.get("replyToMessageId") == null) {
            payload.put("replyToMessageId", messageId);
        }
        assertAnswered(writer.emitArgs(event, payload));
    }

    @Property(tries = 50)
    void unknownEventsAreNamedAsSuch(@ForAll("names") String name) {
        if (Arrays.asList(EVENTS).contains(name)) {
            return;
        }
        JsonNode ack = writer.emitArgs(name);
        assertThat(ack.at("/error/code").asText()).isEqualTo("UNKNOWN_EVENT");
    }

    @Property(tries = 60)
    void theHttpApiNeverAnswers5xx(@ForAll("queries") String query, @ForAll("paths") String path) {
        Http.Reply reply = app.http().get(path + "?" + query);
        assertThat(reply.status()).as("%s?%s", path, query).isLessThan(500);
    }

    @Property(tries = 800)
    void anyRawRequestGetsAnAnswerOrACleanCloseAndNeverA5xx(@ForAll("rawRequests") HostileHttp.Request request)
            throws IOException {
        HostileHttp.Outcome outcome = HostileHttp.exchange(app.port(), request, PATIENCE);
        if (outcome.answered()) {
            assertThat(outcome.status()).as("%s answered %s", request, outcome.statusLine()).isLessThan(500);
        }
        assertStillServing(request);
    }

    @Property(tries = 400)
    void hostileBodiesAtEveryEndpoint(@ForAll("endpoints") String target, @ForAll("bodyMethods") String method,
                                      @ForAll("contentTypes") String contentType, @ForAll("bodies") byte[] body,
                                      @ForAll boolean withCookie) throws IOException {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", "127.0.0.1:" + app.port()});
        headers.add(new String[] {"Content-Type", contentType});
        if (withCookie) {
            headers.add(new String[] {"Cookie", cookie});
        }
        HostileHttp.Request request = HostileHttp.request(method, target, "HTTP/1.1", headers,
                HostileHttp.Framing.EXACT_LENGTH, body);
        HostileHttp.Outcome outcome = HostileHttp.exchange(app.port(), request, PATIENCE);
        assertAnsweredBelow500(request, outcome);
        assertStillServing(request);
    }

    @Property(tries = 200)
    void hostileUploadFormsAreAnsweredWithoutA5xx(@ForAll("uploads") HostileHttp.Request request) throws IOException {
        HostileHttp.Outcome outcome = HostileHttp.exchange(app.port(), request, PATIENCE);
        if (request.endsInput()) {
            if (outcome.answered()) {
                assertThat(outcome.status()).as("%s answered %s", request, outcome.statusLine()).isLessThan(500);
            }
        } else {
            assertAnsweredBelow500(request, outcome);
        }
        assertStillServing(request);
    }

    /** What the properties above found once, pinned down. */
    @Example
    void requestsTheFuzzFoundAnswerWithAContractCode() throws IOException {
        String host = "127.0.0.1:" + app.port();
        // The Socket.IO library answered methods other than GET, POST and OPTIONS with a bare 500.
        for (String method : new String[] {"PUT", "DELETE", "HEAD", "Post"}) {
            HostileHttp.Outcome outcome = exchange(method + " /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: "
                    + host + "\r\nContent-Length: 0\r\n\r\n");
            assertThat(outcome.status()).as(method).isEqualTo(405);
        }
        // A lone % in the path or query closed the connection without an answer.
        for (String target : new String[] {"/%", "/api/messages?limit=%zz", "/socket.io/?EIO=4&transport=polling&x=%"}) {
            HostileHttp.Outcome outcome = exchange("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertThat(outcome.status()).as(target).isEqualTo(400);
        }
        // Over the multipart decoder's field limit, or a form it cannot buffer: a 500 before.
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            fields.append("--b\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
        }
        fields.append("--b--\r\n");
        for (String[] form : new String[][] {
                {"multipart/form-data; boundary=b", fields.toString()},
                {"application/x-www-form-urlencoded", "x".repeat(5000)},
                {"multipart/form-data; boundary=b; charset=no-such-charset", "--b--\r\n"},
                {"multipart/form-data; boundary=", "x"}}) {
            Http.Reply reply = http.send(java.net.http.HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/uploads"))
                    .header("Cookie", cookie).header("Content-Type", form[0])
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form[1])).build());
            assertThat(reply.status()).as(form[0]).isEqualTo(400);
            assertThat(reply.json().at("/error/code").asText()).isEqualTo("INVALID_PAYLOAD");
        }
    }

    private static HostileHttp.Outcome exchange(String request) throws IOException {
        return HostileHttp.exchange(app.port(), new HostileHttp.Request(request.strip(),
                request.getBytes(StandardCharsets.UTF_8), false), PATIENCE);
    }

    /** A request whose framing is complete gets an answer, not merely a close. */
    private static void assertAnsweredBelow500(HostileHttp.Request request, HostileHttp.Outcome outcome) {
        assertThat(outcome.answered()).as("%s got no answer (%s)", request, outcome.statusLine()).isTrue();
        assertThat(outcome.status()).as("%s answered %s", request, outcome.statusLine()).isLessThan(500);
    }

    private static void assertStillServing(HostileHttp.Request after) {
        assertThat(http.get("/health").status()).as("a normal request after %s", after).isEqualTo(200);
    }

    @Property(tries = 40)
    void garbageFramesHurtOnlyTheirSender(@ForAll("frames") String frame) throws Exception {
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + app.port() + "/socket.io/?EIO=4&transport=websocket"),
                        new WebSocket.Listener() { })
                .get(5, TimeUnit.SECONDS);
        try {
            ws.sendText("40", true).get(5, TimeUnit.SECONDS);
            ws.sendText(frame, true).get(5, TimeUnit.SECONDS);
        } catch (Exception closedByServer) {
            // the server may drop a connection that speaks nonsense
        } finally {
            ws.abort();
        }
        assertThat(writer.emit("JOIN_CHAT", null).path("ok").asBoolean()).isTrue();
    }

    @Provide
    Arbitrary<Object> payloads() {
        return HostileInput.json(3);
    }

    @Provide
    Arbitrary<Map<String, Object>> shaped() {
        return HostileInput.payloadLike();
    }

    @Provide
    Arbitrary<String> names() {
        return HostileInput.strings().filter(s -> !s.isEmpty() && s.length() < 500);
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.maps(Arbitraries.of("before", "limit", "x", "since"), HostileInput.strings())
                .ofMaxSize(3)
                .map(m -> m.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&")));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("/api/messages", "/api/session", "/health", "/ready", "/uploads/x.png",
                "/uploads/AAAAAAAAAAAAAAAAAAAAAA.png", "/nope", "/api", "/metrics", "/");
    }

    @Provide
    Arbitrary<HostileHttp.Request> rawRequests() {
        String own = "http://127.0.0.1:" + app.port();
        return Combinators.combine(HostileHttp.methods(), HostileHttp.targets(), HostileHttp.versions(),
                HostileHttp.headers(own, cookie), HostileHttp.framings(), HostileHttp.bodies())
                .as(HostileHttp::request);
    }

    @Provide
    Arbitrary<String> endpoints() {
        return Arbitraries.of(ENDPOINTS);
    }

    @Provide
    Arbitrary<String> bodyMethods() {
        return Arbitraries.of("POST", "PUT", "PATCH", "DELETE", "GET", "OPTIONS");
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return HostileHttp.contentTypes().filter(t -> t.indexOf('\r') < 0 && t.indexOf('\n') < 0);
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return HostileHttp.bodies();
    }

    @Provide
    Arbitrary<HostileHttp.Request> uploads() {
        return HostileHttp.uploads("127.0.0.1:" + app.port(), cookie);
    }

    @Provide
    Arbitrary<String> frames() {
        return Arbitraries.oneOf(
                HostileInput.strings(),
                Arbitraries.of("42", "42[", "42[\"SEND_MESSAGE\",", "42[1,2]", "42[null]", "421[\"JOIN_CHAT\"",
                        "43", "4", "2probe", "5", "6", "1", "0", "45-[\"x\",{\"_placeholder\":true,\"num\":0}]",
                        "42[\"SEND_MESSAGE\"," + "[".repeat(500) + "]", "42/nsp,[\"JOIN_CHAT\"]", "40/other,"),
                HostileInput.json(3).map(v -> "42" + toJson(v)));
    }

    private static String toJson(Object value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(new Object[]{"SEND_MESSAGE", value});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Duration timeout() {
        return ChatClient.TIMEOUT;
    }

    /** The reactors of a message: any query, any id in the path, gets a contract answer, never a 5xx. */
    @Property(tries = 60)
    void theReactorsEndpointNeverAnswers5xx(@ForAll("reactorQueries") String query, @ForAll("reactorIds") String id) {
        Http.Reply reply = app.http().get("/api/messages/" + id + "/reactions?" + query);
        assertThat(reply.status()).as("%s?%s", id, query).isLessThan(500);
        if (reply.status() >= 400) {
            assertThat(reply.json().at("/error/code").asText()).isIn(CODES);
        }
    }

    @Provide
    Arbitrary<String> reactorQueries() {
        return Arbitraries.maps(Arbitraries.of("emoji", "after", "limit", "x"),
                        Arbitraries.oneOf(HostileInput.strings(), Arbitraries.of("🔥", "❤", "1", "100", messageId)))
                .ofMaxSize(4)
                .map(m -> m.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&")));
    }

    @Provide
    Arbitrary<String> reactorIds() {
        return Arbitraries.oneOf(Arbitraries.of(messageId, "00000000-0000-0000-0000-000000000000", "x", "%00"),
                HostileInput.strings().map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)).filter(s -> !s.isEmpty()));
    }
}
