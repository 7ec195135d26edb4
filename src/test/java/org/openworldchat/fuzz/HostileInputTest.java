package org.openworldchat.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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
 * with ok or a contract code (never INTERNAL_ERROR, never a 5xx), and keeps serving others.
 */
class HostileInputTest {

    private static final Set<String> CODES = Arrays.stream(ErrorCode.values())
            .filter(c -> c != ErrorCode.INTERNAL_ERROR).map(Enum::name).collect(Collectors.toSet());
    private static final String[] EVENTS = {"JOIN_CHAT", "SET_USERNAME", "SEND_MESSAGE", "SEND_REACTION"};

    private static TestApp app;
    private static ChatClient writer;
    private static ChatClient lurker;
    private static String messageId;

    @BeforeContainer
    static void start() {
        app = TestApp.start();
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
}
