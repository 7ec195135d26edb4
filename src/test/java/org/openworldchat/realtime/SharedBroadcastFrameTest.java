package org.openworldchat.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestApp;

/**
 * Broadcasts are encoded once and the same frame goes to every websocket; long-polling sockets
 * still get theirs through the library. Both must receive exactly what the sender's ack holds, in
 * the order the messages were stored.
 */
class SharedBroadcastFrameTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final Pattern SERIES = Pattern.compile(
            "^owc_broadcast_deliveries_total\\{encoding=\"(shared|per_socket)\"} ([0-9.E+-]+)$", Pattern.MULTILINE);

    @Test
    void websocketAndPollingSocketsReceiveTheSameMessagesInOrder() {
        double[] before = deliveries();
        try (ChatClient sender = ChatClient.connect(app.baseUrl(), (String) null, "websocket");
             ChatClient onWebsocket = ChatClient.connect(app.baseUrl(), (String) null, "websocket");
             ChatClient onPolling = ChatClient.connect(app.baseUrl(), (String) null, "polling")) {
            sender.setUsername("framer");
            sender.join();
            onWebsocket.join();
            onPolling.join();

            List<JsonNode> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(sender.send("frame " + i + " — «ü» 🌍 \"quoted\" \\ <b>x</b>\nnext line"));
            }
            for (ChatClient receiver : List.of(sender, onWebsocket, onPolling)) {
                for (JsonNode expected : sent) {
                    assertThat(receiver.next("NEW_MESSAGE")).isEqualTo(expected);
                }
            }
        }
        double[] after = deliveries();
        assertThat(after[0] - before[0]).as("deliveries of the shared frame (two websockets × 20)").isGreaterThanOrEqualTo(40);
        assertThat(after[1] - before[1]).as("deliveries encoded per socket (the polling one × 20)").isGreaterThanOrEqualTo(20);
    }

    /** {shared, per socket} from /metrics. */
    private static double[] deliveries() {
        String text = app.http().get("/metrics").body();
        double[] out = new double[2];
        Matcher m = SERIES.matcher(text);
        int found = 0;
        while (m.find()) {
            out["shared".equals(m.group(1)) ? 0 : 1] = Double.parseDouble(m.group(2));
            found++;
        }
        assertThat(found).as("both delivery series in /metrics").isEqualTo(2);
        return out;
    }
}
