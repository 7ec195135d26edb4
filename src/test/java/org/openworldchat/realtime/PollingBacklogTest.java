package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;
import org.openworldchat.support.TestApp;

/**
 * A long-polling client that stops polling while broadcasts flow: the library queues every
 * broadcast for it until its next poll. The node disconnects it once that queue passes
 * {@link RoomBroadcaster#MAX_QUEUED_PACKETS}, and the session (and the packets it held) is gone,
 * instead of growing until the ping timeout.
 */
class PollingBacklogTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";
    private static final Pattern SOCKETS = Pattern.compile("^owc_sockets ([0-9.E+-]+)$", Pattern.MULTILINE);

    @Test
    void aPollingClientThatStopsPollingIsDisconnectedOnceItsBacklogIsFull() throws Exception {
        String sid = pollingClientInTheRoom();
        try (ChatClient loud = app.writer("loud")) {
            assertThat(sockets()).isEqualTo(2);
            int sent = 0;
            // Well past the limit, in pipelined rounds; the poller never polls again.
            int most = RoomBroadcaster.MAX_QUEUED_PACKETS + 4 * RoomBroadcaster.CHECK_EVERY + 200;
            while (sockets() == 2 && sent < most) {
                List<CompletableFuture<JsonNode>> round = new ArrayList<>();
                for (int i = 0; i < RoomBroadcaster.CHECK_EVERY; i++) {
                    round.add(loud.emitAsync("SEND_MESSAGE", Map.of("content", "broadcast " + sent++)));
                }
                for (CompletableFuture<JsonNode> ack : round) {
                    ChatClient.ok(ack.get(10, TimeUnit.SECONDS));
                }
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sockets() == 1);
            // A few packets were queued before the flow began (the join's answer, the counts).
            assertThat(sent).as("broadcasts before the poller was disconnected")
                    .isGreaterThanOrEqualTo(RoomBroadcaster.MAX_QUEUED_PACKETS - 20)
                    .isLessThanOrEqualTo(RoomBroadcaster.MAX_QUEUED_PACKETS + 3 * RoomBroadcaster.CHECK_EVERY);
            assertThat(loud.connected()).as("the reading client is not affected").isTrue();
        }
        Http.Reply poll = app.http().get(POLLING + "&sid=" + sid);
        assertThat(poll.status()).as("the session and its queue are gone").isEqualTo(400);
        assertThat(poll.json().get("message").asText()).isEqualTo("Session ID unknown");
    }

    @Test
    void aPollingClientFarBehindGetsEveryPacketInOrder() throws Exception {
        String sid = pollingClientInTheRoom();
        int sent = 130; // several answers' worth: the library puts at most 50 packets in one
        try (ChatClient loud = app.writer("behind_loud")) {
            for (int i = 0; i < sent; ) {
                List<CompletableFuture<JsonNode>> round = new ArrayList<>();
                for (int k = 0; k < 10 && i < sent; k++, i++) {
                    round.add(loud.emitAsync("SEND_MESSAGE", Map.of("content", "queued " + i)));
                }
                for (CompletableFuture<JsonNode> ack : round) {
                    ChatClient.ok(ack.get(10, TimeUnit.SECONDS));
                }
            }
        }
        List<Integer> received = new ArrayList<>();
        Pattern queued = Pattern.compile("\"content\":\"queued (\\d+)\"");
        for (int poll = 0; poll < 20 && (received.isEmpty() || received.get(received.size() - 1) < sent - 1); poll++) {
            Matcher m = queued.matcher(app.http().get(POLLING + "&sid=" + sid).body());
            while (m.find()) {
                received.add(Integer.parseInt(m.group(1)));
            }
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            all.add(i);
        }
        assertThat(received).as("every broadcast, once, in order").isEqualTo(all);
    }

    /** Opens a long-polling session, joins the chat, takes the answer, and returns its sid. */
    private static String pollingClientInTheRoom() {
        Http.Reply open = app.http().get(POLLING);
        assertThat(open.status()).isEqualTo(200);
        String sid = new Http.Reply(200, open.headers(), open.body().substring(1)).json().get("sid").asText();
        post(sid, "40");
        assertThat(app.http().get(POLLING + "&sid=" + sid).body()).startsWith("40");
        post(sid, "421[\"JOIN_CHAT\"]");
        String answer = "";
        for (int i = 0; i < 10 && !answer.contains("431["); i++) {
            answer += app.http().get(POLLING + "&sid=" + sid).body();
        }
        assertThat(answer).as("the join's ack").contains("431[{\"ok\":true");
        return sid;
    }

    private static void post(String sid, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + POLLING + "&sid=" + sid))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertThat(app.http().send(request).status()).isEqualTo(200);
    }

    /** Connected Socket.IO sockets, as the node's metrics count them. */
    private static int sockets() {
        Matcher m = SOCKETS.matcher(app.http().get("/metrics").body());
        assertThat(m.find()).isTrue();
        return (int) Double.parseDouble(m.group(1));
    }
}
