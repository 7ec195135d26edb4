package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    /**
     * A send refused because its write timed out is not stored later: neither one whose time ran
     * out while it waited in the queue, nor one whose batch was already waiting for the database.
     * The test's own locks hold the writer back: first the writers' advisory lock, then the table.
     */
    @Test
    void aSendRefusedForTakingTooLongIsNeverStored() throws Exception {
        try (ChatClient c = app.writer("blocked"); Connection advisory = app.sql(); Connection table = app.sql()) {
            c.send("before");
            advisory.createStatement().execute("SELECT pg_advisory_lock(" + BatchingMessageWriter.WRITE_LOCK + ")");
            table.setAutoCommit(false);
            table.createStatement().execute("LOCK TABLE messages IN SHARE MODE");
            // Its batch takes the advisory lock at 3 s and then waits for the table: its time runs
            // out (5 s) inside the transaction.
            CompletableFuture<JsonNode> inBatch = c.emitAsync("SEND_MESSAGE", Map.of("content", "refused_in_batch"));
            Thread.sleep(500);
            // Queued behind that batch the whole time: its time runs out (5.5 s) in the queue.
            CompletableFuture<JsonNode> queued = c.emitAsync("SEND_MESSAGE", Map.of("content", "refused_in_queue"));
            Thread.sleep(2_500);
            advisory.createStatement().execute("SELECT pg_advisory_unlock(" + BatchingMessageWriter.WRITE_LOCK + ")");
            assertThat(ChatClient.errorCode(inBatch.get(10, TimeUnit.SECONDS))).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(ChatClient.errorCode(queued.get(10, TimeUnit.SECONDS))).isEqualTo("SERVICE_UNAVAILABLE");
            Thread.sleep(500);
            table.commit(); // the batch goes on now, 1.5 s before its INSERT would hit the statement timeout

            JsonNode after = c.send("after");
            try (Connection sql = app.sql(); var rs = sql.createStatement().executeQuery(
                    "SELECT content FROM messages WHERE content LIKE 'refused\\_%' OR content = 'after'")) {
                List<String> stored = new ArrayList<>();
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
                assertThat(stored).as("a refusal means not stored").containsExactly("after");
            }
            List<String> announced = new ArrayList<>();
            for (JsonNode m : c.drain("NEW_MESSAGE", Duration.ofMillis(300))) {
                announced.add(m.get("content").asText());
            }
            assertThat(announced).as("nor announced").doesNotContain("refused_in_batch", "refused_in_queue")
                    .contains(after.get("content").asText());
        }
    }
}
