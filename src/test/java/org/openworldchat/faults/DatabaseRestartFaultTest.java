package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.OwnPostgres;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/**
 * PostgreSQL restarted under load: sends during the outage fail fast with SERVICE_UNAVAILABLE
 * (never a false ack, never a hang), /ready says 503, and the server heals by itself.
 */
class DatabaseRestartFaultTest {

    /**
     * The longest any send may wait for its answer, ack or refusal: the server's write timeout
     * (5 s) and a second for the rest. Below {@link Senders#ACK_TIMEOUT}, so a slower answer is
     * measured, and a send still unanswered then is counted as such.
     */
    private static final long LONGEST_ANSWER_MS = 6_000;

    @Test
    void theServerRidesOutADatabaseRestart() throws Exception {
        try (OwnPostgres pg = new OwnPostgres(); TestApp app = TestApp.start(pg.url(), new MutableClock(), Map.of());
             Senders senders = new Senders(FaultScale.senders(), "pgr_", app::baseUrl)) {
            senders.start();
            senders.awaitAcked(FaultScale.senders() * 3, Duration.ofSeconds(60));
            Thread.sleep(FaultScale.phaseMillis());
            int ackedBefore = senders.acked.size();

            pg.stop();
            long down = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.http().get("/ready").status() == 503);
            assertThat(app.http().get("/health").status()).isEqualTo(200);
            Thread.sleep(FaultScale.phaseMillis());
            int ackedDuringOutage = senders.acked.size();
            pg.start();
            long up = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> senders.acked.size() > ackedDuringOutage + 10);
            long healedMillis = (System.nanoTime() - up) / 1_000_000;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.http().get("/ready").status() == 200);
            Thread.sleep(FaultScale.phaseMillis());
            senders.stop(Duration.ofSeconds(60));

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("senders", FaultScale.senders());
            figures.put("acked", senders.acked.size());
            figures.put("refusals", senders.refusals);
            figures.put("outage ms", (up - down) / 1_000_000);
            figures.put("first acks after restart within ms", healedMillis);
            figures.put("ack p99 ms", senders.percentileAckMillis(0.99));
            figures.put("slowest ack ms", senders.percentileAckMillis(1.0));
            figures.put("answer p99 ms (refusals too)", senders.percentileAnswerMillis(0.99));
            figures.put("slowest answer ms", senders.percentileAnswerMillis(1.0));
            figures.put("sends never answered", senders.unanswered().size());
            int missing = 0;
            try (Connection c = TestDatabases.connect(pg.url())) {
                for (String id : senders.acked.values()) {
                    if (NodeCrashFaultTest.count(c, "SELECT count(*) FROM messages WHERE id = '" + id + "'") != 1) {
                        missing++;
                    }
                }
            }
            figures.put("acked but missing", missing);
            FaultReport.record("PostgreSQL restarted under load", figures);

            assertThat(ackedBefore).as("load ran before the outage").isPositive();
            assertThat(senders.refusals).as("sends during the outage were refused honestly").containsKey("SERVICE_UNAVAILABLE");
            assertThat(missing).as("no false acks").isZero();
            assertThat(senders.unanswered()).as("every send got an answer within " + Senders.ACK_TIMEOUT).isEmpty();
            assertThat(senders.sends(s -> s.outcome().answered() && s.millis() > LONGEST_ANSWER_MS))
                    .as("no send waited for its ack or refusal longer than the write timeout and a second").isEmpty();
            assertThat(healedMillis).as("healed within seconds of the database returning").isLessThan(15_000);
        }
    }
}
