package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TextFrames;

/**
 * The polling → websocket upgrade, spoken packet by packet, in the order that made real clients
 * lose events: the server answers the websocket probe with "3probe" on the websocket and releases
 * the pending long poll with a noop, on another connection. A client that reads the noop first still
 * polls, so it sends one more GET before it reads "3probe" and pauses polling; it upgrades, and
 * sends anything, only once that GET returns. The server must answer it at once, not with the next
 * ping (25 s, beyond every client's ack timeout).
 */
class TransportUpgradeTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    /** Far below the ping interval (25 s), which is what used to release the GET. */
    private static final Duration PROMPT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aLongPollSentWhileUpgradingIsAnsweredAtOnce() throws Exception {
        String sid = handshake();
        assertThat(post(sid, "40")).isEqualTo("ok");
        assertThat(poll(sid).get(PROMPT.toSeconds(), TimeUnit.SECONDS)).startsWith("40");

        CompletableFuture<String> pending = poll(sid);
        TextFrames frames = new TextFrames(PROMPT);
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(app.baseUrl().replaceFirst("^http", "ws")
                        + "/socket.io/?EIO=4&transport=websocket&sid=" + sid), frames)
                .get(PROMPT.toSeconds(), TimeUnit.SECONDS);
        ws.sendText("2probe", true).get();
        assertThat(frames.next()).isEqualTo("3probe");
        assertThat(noops(pending.get(PROMPT.toSeconds(), TimeUnit.SECONDS))).as("the poll pending at the probe").isPositive();

        // The client read the noop before "3probe", so it polled again.
        CompletableFuture<String> extra = poll(sid);
        try {
            assertThat(noops(extra.get(PROMPT.toSeconds(), TimeUnit.SECONDS))).isPositive();
        } catch (TimeoutException e) {
            throw new AssertionError("the long poll sent during the upgrade was held for more than " + PROMPT, e);
        }

        // Now the client can finish the upgrade, and an event sent over the websocket is acknowledged.
        ws.sendText("5", true).get();
        ws.sendText("421[\"JOIN_CHAT\"]", true).get();
        frames.nextStartingWith("431");
        ws.abort();
    }

    /**
     * How many noop packets ("6") a polling answer holds, or 0 when it holds anything else. Under
     * load two may be queued before the answer is written; they arrive as one payload, separated
     * by the record separator (0x1e), which a client reads as two noops.
     */
    private static int noops(String payload) {
        String[] packets = payload.split("\u001e");
        return Arrays.stream(packets).allMatch("6"::equals) ? packets.length : 0;
    }

    private String handshake() throws Exception {
        String open = send(HttpRequest.newBuilder(uri(null)).GET()).body();
        assertThat(open).startsWith("0{");
        return new ObjectMapper().readTree(open.substring(1)).get("sid").asText();
    }

    private String post(String sid, String payload) throws Exception {
        return send(HttpRequest.newBuilder(uri(sid)).POST(HttpRequest.BodyPublishers.ofString(payload))
                .header("Content-Type", "text/plain;charset=UTF-8")).body();
    }

    private CompletableFuture<String> poll(String sid) {
        return http.sendAsync(HttpRequest.newBuilder(uri(sid)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).thenApply(HttpResponse::body);
    }

    /**
     * Under load, a request sent on a kept-alive connection sometimes fails before any byte of an
     * answer (the connection is reset). Browsers send such a request again on a new connection, and
     * socket.io-client in a browser relies on that; this client sends it again once, too. What this
     * test is about is the upgrade, not that race.
     */
    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpRequest built = request.timeout(PROMPT).build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException failedBeforeAnAnswer) {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static URI uri(String sid) {
        return URI.create(app.baseUrl() + "/socket.io/?EIO=4&transport=polling" + (sid == null ? "" : "&sid=" + sid));
    }
}
