package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/** The database goes away under a running server: writes fail fast and honestly, then it heals. */
class DatabaseOutageTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() throws Exception {
        setReachable(true);
        app.close();
    }

    /** Cuts the server's database off (no new connections, existing ones killed), or lets it back. */
    private static void setReachable(boolean reachable) throws Exception {
        String db = app.database().describe().substring(app.database().describe().lastIndexOf('/') + 1);
        DatabaseHandle admin = new DatabaseHandle();
        try (Connection c = admin.open()) {
            c.createStatement().execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS " + reachable);
            if (!reachable) {
                c.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
            }
        }
    }

    /** A connection to the test server's maintenance database. */
    private static final class DatabaseHandle {
        Connection open() throws Exception {
            var url = app.database();
            var adminUrl = new org.openworldchat.app.DatabaseUrl(
                    url.jdbcUrl().replaceFirst("/owc_test_[0-9a-f]+", "/postgres"), url.user(), url.password());
            return TestDatabases.connect(adminUrl);
        }
    }

    @Test
    void writesFailFastWithServiceUnavailableAndRecover() throws Exception {
        try (ChatClient c = app.writer("outage")) {
            c.send("before");
            setReachable(false);
            long start = System.nanoTime();
            JsonNode ack = c.emit("SEND_MESSAGE", Map.of("content", "during"));
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(ack.at("/error/code").asText()).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(ms).as("failed within 5 s").isLessThanOrEqualTo(5_500);
            assertThat(app.http().get("/ready").status()).isEqualTo(503);
            assertThat(app.http().get("/health").status()).isEqualTo(200);

            setReachable(true);
            // A connection that died in the outage may fail one more write; the server heals by
            // itself within seconds, and a retry with the same clientMessageId is always safe.
            Map<String, Object> retry = Map.of("content", "after", "clientMessageId", java.util.UUID.randomUUID().toString());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> c.emit("SEND_MESSAGE", retry).path("ok").asBoolean());
            assertThat(app.http().get("/ready").status()).isEqualTo(200);
            try (Connection sql = app.sql(); var rs = sql.createStatement().executeQuery(
                    "SELECT count(*) FROM messages WHERE content = 'during'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("nothing acked as failed was stored").isZero();
            }
        }
    }
}
