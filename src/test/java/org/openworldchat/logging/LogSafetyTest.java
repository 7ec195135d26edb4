package org.openworldchat.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.RawWebSocket;
import org.openworldchat.support.TestApp;
import org.slf4j.LoggerFactory;

/**
 * What a client can make the server log. {@code GET /socket.io/x%0a<a fake line>} wrote a forged
 * ERROR line, {@code %1b[31m} wrote terminal escapes, each such line named the client's address,
 * and 40,907 requests with 4 KB paths grew the log by 161 MB in 10 s. Every line the server
 * writes during such attacks is rendered here by the production {@code logback.xml}, in both of
 * its formats.
 */
class LogSafetyTest {

    private static final String FORGED = "FORGED";
    /** Client-chosen text in every attack: no log line may begin with it or carry its control characters. */
    private static final List<String> HOSTILE_TARGETS = List.of(
            "/socket.io/x%0a1999-01-01T00:00:00.000Z%20ERROR%20Forged%20-%20" + FORGED,
            "/socket.io/x%0d%0a" + FORGED,
            "/socket.io/%1b%5b31m" + FORGED,
            "/socket.io/\u001b[31m" + FORGED,
            "/socket.io/?EIO=4",
            "/socket.io/?EIO=4&transport=x%0a" + FORGED,
            "/socket.io/?EIO=4&transport=\u001b[31m" + FORGED,
            "/socket.io/?EIO=4&transport=polling&j=x%0a" + FORGED,
            "/socket.io/?EIO=4&transport=polling&b64=x%0a" + FORGED,
            "/socket.io/x?EIO=4&transport=polling&sid=%0a" + FORGED);

    @Test
    void hostileRequestsWriteNoForgedLineNoEscapeAndNoAddress() throws Exception {
        List<ILoggingEvent> logged = capture(app -> {
            for (String target : HOSTILE_TARGETS) {
                request(app, target);
            }
            undecodableWebsocketFrame(app);
        });
        assertSafe(logged);
    }

    @Test
    void aFloodOfBadRequestsIsLoggedAsCountsNotLineByLine() throws Exception {
        int flood = 300;
        String longPath = "/socket.io/" + "a".repeat(4000); // as long as a request line may be
        List<ILoggingEvent> duringFlood = new ArrayList<>();
        List<ILoggingEvent> logged = capture(app -> {
            int before = logged();
            for (int i = 0; i < flood; i++) {
                request(app, longPath + i);
            }
            for (int i = 0; i < 20; i++) {
                request(app, "/socket.io/?EIO=4&transport=polling&j=x" + i);
                undecodableWebsocketFrame(app);
            }
            duringFlood.addAll(loggedSince(before));
        });
        assertSafe(logged);
        assertThat(duringFlood.size()).as("lines written during a flood of %d bad requests", flood + 40)
                .isLessThanOrEqualTo(10);
        String rendered = ProductionLogFormat.TEXT.render(logged);
        assertThat(rendered).doesNotContain("a".repeat(100));
        // Counted, and the count reaches the log (here at the server's stop).
        assertThat(logged).anySatisfy(line -> assertThat(line.getKeyValuePairs()).anySatisfy(pair -> {
            assertThat(pair.key).isEqualTo("wrongPath");
            assertThat(Long.parseLong(String.valueOf(pair.value))).isGreaterThanOrEqualTo(flood);
        }));
    }

    private static void assertSafe(List<ILoggingEvent> logged) {
        for (ProductionLogFormat format : ProductionLogFormat.values()) {
            String rendered = format.render(logged);
            assertThat(rendered).as(format + ": terminal escapes and carriage returns")
                    .doesNotContain("\u001b").doesNotContain("\r");
            assertThat(rendered.lines()).as(format + ": lines the client wrote")
                    .noneMatch(line -> line.startsWith("1999-01-01") || line.startsWith(FORGED));
            assertThat(rendered).as(format + ": client addresses")
                    .doesNotContain("127.0.0.1").doesNotContain("0:0:0:0:0:0:0:1").doesNotContain("::1");
        }
    }

    // --- the server and what it logs

    private final ListAppender<ILoggingEvent> live = new ListAppender<>();

    interface Attack {
        void run(TestApp app) throws Exception;
    }

    /** Everything the server logs from its start to its stop, with {@code attack} in between. */
    private List<ILoggingEvent> capture(Attack attack) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        live.start();
        root.addAppender(live);
        int from;
        try (TestApp app = TestApp.start(Map.of())) {
            from = logged(); // the start names its database, which is no client's
            attack.run(app);
        } finally {
            root.detachAppender(live);
        }
        return loggedSince(from);
    }

    // The appender adds under its own lock (AppenderBase.doAppend), from the server's threads.
    private int logged() {
        synchronized (live) {
            return live.list.size();
        }
    }

    private List<ILoggingEvent> loggedSince(int from) {
        synchronized (live) {
            return List.copyOf(live.list.subList(from, live.list.size()));
        }
    }

    /** One request over its own connection, its target written byte for byte; waits for the answer or the close. */
    private static void request(TestApp app, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            try {
                in.readAllBytes();
            } catch (SocketTimeoutException | java.net.SocketException ended) {
                // answered or not, the request was made
            }
        }
    }

    /** A websocket that sends a packet the library cannot decode. */
    private static void undecodableWebsocketFrame(TestApp app) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(app.port(), "/socket.io/?EIO=4&transport=websocket", Map.of())) {
            ws.next();
            ws.send("40");
            ws.nextStartingWith("40");
            ws.send("x\n" + FORGED);
            ws.closedWithin(java.time.Duration.ofSeconds(2));
        }
    }
}
