package org.openworldchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.RequiredServices;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;
import org.slf4j.LoggerFactory;

/** Redis goes away under two running nodes and comes back: each keeps serving, then they heal. */
class RedisOutageTest {

    /** A Redis of this test's own, so stopping it harms nobody else. */
    private static final class OwnRedis implements AutoCloseable {
        final int port;
        private Process process;

        OwnRedis() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            start();
        }

        void start() throws IOException {
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(Files.createTempFile("redis", ".log").toFile()).start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::answers);
        }

        void stop() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        boolean answers() {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    private static boolean redisServerInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server")) || Files.isExecutable(Path.of("/usr/local/bin/redis-server"));
    }

    @Test
    void eachNodeKeepsServingAndTheClusterHeals() throws Exception {
        RequiredServices.assume(redisServerInstalled(), "redis-server (to run a Redis this test may stop)");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        DatabaseUrl database = TestDatabases.create();
        try (OwnRedis redis = new OwnRedis()) {
            Map<String, String> env = Map.of("REDIS_URL", "redis://127.0.0.1:" + redis.port, "REDIS_PREFIX", "outage");
            MutableClock clock = new MutableClock();
            try (TestApp node1 = TestApp.start(database, clock, env); TestApp node2 = TestApp.start(database, clock, env);
                 ChatClient a = node1.writer("outage_a"); ChatClient b = node2.writer("outage_b")) {
                String first = a.send("before").get("id").asText();
                assertThat(b.next("NEW_MESSAGE").get("id").asText()).isEqualTo(first);
                a.drain("NEW_MESSAGE", Duration.ofMillis(200));

                redis.stop();
                for (int i = 0; i < 20; i++) {
                    JsonNode own = a.send("during " + i);
                    assertThat(a.next("NEW_MESSAGE").get("id")).as("local delivery goes on").isEqualTo(own.get("id"));
                }
                assertThat(b.send("node2 too").get("content").asText()).isEqualTo("node2 too");
                assertThat(b.emit("JOIN_CHAT", Map.of("since", first)).get("messages")).as("reading works").hasSize(21);
                long outageWarnings = logs.list.stream()
                        .filter(e -> e.getFormattedMessage().contains("unavailable; continuing on this node alone")).count();
                assertThat(outageWarnings).as("logged once per piece and node, not per message").isBetween(1L, 6L);

                redis.start();
                b.drain("NEW_MESSAGE", Duration.ZERO);
                Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    String id = a.send("after").get("id").asText();
                    List<JsonNode> seen = b.drain("NEW_MESSAGE", Duration.ofMillis(300));
                    assertThat(seen).extracting(m -> m.get("id").asText()).contains(id);
                });
                Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(b.emit("JOIN_CHAT", null).get("onlineCount").asInt()).isEqualTo(2));
            }
        } finally {
            root.detachAppender(logs);
            TestDatabases.drop(database);
        }
    }
}
