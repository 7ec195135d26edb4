package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.NodeProcess;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/**
 * SIGTERM under load: the node stops taking connections and events, answers every send it had
 * accepted (stored and acked, or refused) before it closes the connection, and exits; senders
 * move on to the other node without losing a message.
 *
 * <p>What makes this fail without the drain: a send the node had in hand when the signal came
 * and that it never answered before its connection closed. A client retries such a send
 * elsewhere, so "nothing lost" alone would hold even if the node dropped everything on SIGTERM.
 */
class GracefulShutdownFaultTest {

    /** The node's own account of the drain (ChatApplication.close). */
    private static final Pattern DRAINED = Pattern.compile(
            "stopping: events in flight answered eventsInFlight=(\\d+) unanswered=(\\d+)");

    /** How long writes wait for the test's lock before the signal, and after it: well within the 5 s write timeout. */
    private static final long WRITES_HELD_BEFORE_MS = 300;
    private static final long WRITES_HELD_AFTER_MS = 1_000;

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
                // Writes are held back around the signal (the test locks the table against
                // INSERT), so every sender has a send in the node's hands when it gets SIGTERM,
                // however fast the machine: the drain has work to do.
                long signal;
                CompletableFuture<Integer> exit;
                try (Connection lock = TestDatabases.connect(database)) {
                    lock.setAutoCommit(false);
                    lock.createStatement().execute("LOCK TABLE messages IN SHARE MODE");
                    Thread.sleep(WRITES_HELD_BEFORE_MS);
                    signal = System.nanoTime();
                    exit = CompletableFuture.supplyAsync(() -> terminate(leaving));
                    Thread.sleep(WRITES_HELD_AFTER_MS);
                    lock.commit();
                }
                int exitCode = exit.get(40, TimeUnit.SECONDS);
                long stopMillis = (System.nanoTime() - signal) / 1_000_000;
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
                String node = leaving.baseUrl();
                // In the node's hands at the signal: emitted before it, ended after it.
                List<Senders.Send> inFlight = senders.sends(s -> s.node().equals(node) && s.spans(signal));
                long inFlightAcked = inFlight.stream().filter(s -> s.outcome() == Senders.Outcome.ACKED).count();
                List<Senders.Send> dropped = senders.sends(s -> s.node().equals(node) && s.emittedAt() < signal
                        && !s.outcome().answered());
                // Emitted after the signal: the node may close the connection before it reads them.
                long lateUnanswered = senders.sends(s -> s.node().equals(node) && s.emittedAt() >= signal
                        && !s.outcome().answered()).size();
                Map<String, Long> refusedAfterSignal = senders.sends(s -> s.node().equals(node)
                                && s.endedAt() > signal && s.outcome() == Senders.Outcome.REFUSED).stream()
                        .collect(Collectors.groupingBy(s -> s.code() + " \"" + s.message() + "\"", TreeMap::new, Collectors.counting()));
                Matcher drained = DRAINED.matcher(leaving.log());
                assertThat(drained.find()).as("the node logged its drain: " + leaving.log()).isTrue();

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("senders", FaultScale.senders());
                figures.put("acked", senders.acked.size());
                figures.put("stopped in ms", stopMillis);
                figures.put("writes held at the signal, ms before / after", WRITES_HELD_BEFORE_MS + " / " + WRITES_HELD_AFTER_MS);
                figures.put("exit code", exitCode);
                figures.put("sends in flight at SIGTERM / acked", inFlight.size() + " / " + inFlightAcked);
                figures.put("node: events in flight / unanswered", drained.group(1) + " / " + drained.group(2));
                figures.put("accepted before SIGTERM, never answered", dropped.size());
                figures.put("emitted after SIGTERM, cut off by the close", lateUnanswered);
                figures.put("acked but missing", missing);
                figures.put("stored but never acked", stored - senders.acked.size());
                figures.put("refusals after SIGTERM", refusedAfterSignal);
                FaultReport.record("SIGTERM of a node under load", figures);

                assertThat(exitCode).as("a clean exit").isIn(0, 143);
                assertThat(Long.parseLong(drained.group(1))).as("the node had events in flight when it began to stop").isPositive();
                assertThat(inFlightAcked).as("the node had writes in flight at the signal and finished them").isPositive();
                assertThat(dropped).as("every send emitted to the node before SIGTERM was answered before it closed the connection")
                        .isEmpty();
                assertThat(Long.parseLong(drained.group(2))).as("the node answered every event it had accepted").isZero();
                assertThat(refusedAfterSignal.keySet()).as("refusals while stopping say so")
                        .allMatch(k -> k.startsWith("SERVICE_UNAVAILABLE "));
                assertThat(missing).isZero();
                assertThat(stored).as("every stored message was acked (possibly after a retry)").isEqualTo(senders.acked.size());
            }
        } finally {
            leaving.kill();
            TestDatabases.drop(database);
        }
    }

    private static int terminate(NodeProcess node) {
        try {
            return node.terminate(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
