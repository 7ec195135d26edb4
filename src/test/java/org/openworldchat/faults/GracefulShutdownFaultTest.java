package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.NodeProcess;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/**
 * SIGTERM under load: the node stops taking connections, answers what is in flight (stored and
 * acked, or refused), and exits; senders move on to the other node without losing a message.
 */
class GracefulShutdownFaultTest {

    @Test
    void sigtermFinishesInFlightWritesBeforeExit() throws Exception {
        DatabaseUrl database = TestDatabases.create();
        NodeProcess leaving = NodeProcess.start(database, Map.of());
        try (TestApp staying = TestApp.start(database, new MutableClock(), Map.of())) {
            AtomicReference<String> live = new AtomicReference<>(leaving.baseUrl());
            try (Senders senders = new Senders(FaultScale.senders(), "term_", live::get)) {
                senders.start();
                senders.awaitAcked(FaultScale.senders() * 3, Duration.ofSeconds(60));
                Thread.sleep(FaultScale.phaseMillis());
                live.set(staying.baseUrl());
                long start = System.nanoTime();
                int exit = leaving.terminate(Duration.ofSeconds(30));
                long stopMillis = (System.nanoTime() - start) / 1_000_000;
                Thread.sleep(FaultScale.phaseMillis());
                senders.stop(Duration.ofSeconds(60));

                int missing = 0;
                int stored;
                try (Connection c = staying.sql()) {
                    for (String id : senders.acked.values()) {
                        if (NodeCrashFaultTest.count(c, "SELECT count(*) FROM messages WHERE id = '" + id + "'") != 1) {
                            missing++;
                        }
                    }
                    stored = NodeCrashFaultTest.count(c, "SELECT count(*) FROM messages WHERE sender_name LIKE 'term\\_%'");
                }
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("senders", FaultScale.senders());
                figures.put("acked", senders.acked.size());
                figures.put("stopped in ms", stopMillis);
                figures.put("exit code", exit);
                figures.put("acked but missing", missing);
                figures.put("stored but never acked", stored - senders.acked.size());
                figures.put("refusals", senders.refusals);
                FaultReport.record("SIGTERM of a node under load", figures);

                assertThat(exit).as("a clean exit").isIn(0, 143);
                assertThat(missing).isZero();
                assertThat(stored).as("every stored message was acked (possibly after a retry)").isEqualTo(senders.acked.size());
            }
        } finally {
            leaving.kill();
            TestDatabases.drop(database);
        }
    }
}
