package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.NodeProcess;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;
import org.openworldchat.support.TestRedis;

/**
 * kill -9 of a node under load: every acknowledged message is in the database, the crashed
 * node's clients reconnect to the other node and catch up with JOIN_CHAT {since}, and retries
 * (same clientMessageId) never store a message twice.
 */
class NodeCrashFaultTest {

    @Test
    void aNodeKilledUnderLoadLosesNoAcknowledgedMessage() throws Exception {
        DatabaseUrl database = TestDatabases.create();
        Map<String, String> env = Map.of("REDIS_URL", TestRedis.url(), "REDIS_PREFIX", TestRedis.freshPrefix());
        NodeProcess doomed = NodeProcess.start(database, env);
        try (TestApp survivor = TestApp.start(database, new MutableClock(), env)) {
            AtomicReference<String> live = new AtomicReference<>(doomed.baseUrl());
            Set<String> seenByReader = new HashSet<>();
            ChatClient reader = ChatClient.connect(doomed.baseUrl(), (String) null, "websocket");
            reader.join();
            try (Senders senders = new Senders(FaultScale.senders(), "crash_", live::get)) {
                senders.start();
                senders.awaitAcked(FaultScale.senders() * 3, Duration.ofSeconds(60));
                Thread.sleep(FaultScale.phaseMillis());
                long killedAt = System.nanoTime();
                live.set(survivor.baseUrl());
                doomed.kill();
                // The reader was on the dead node: what it received last, in order, is where it
                // asks the other node to continue from, as a client does.
                String lastSeen = null;
                for (JsonNode m : reader.drain("NEW_MESSAGE", Duration.ofMillis(500))) {
                    seenByReader.add(m.get("id").asText());
                    lastSeen = m.get("id").asText();
                }
                reader.close();
                reader = ChatClient.connect(survivor.baseUrl(), (String) null, "websocket");
                Thread.sleep(FaultScale.phaseMillis());
                senders.stop(Duration.ofSeconds(60));
                seenByReader.addAll(catchUp(reader, lastSeen));

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("senders", FaultScale.senders());
                figures.put("acked", senders.acked.size());
                figures.put("reconnects", senders.reconnects.get());
                figures.put("ack p99 ms", senders.percentileAckMillis(0.99));
                figures.put("refusals", senders.refusals);

                try (Connection c = survivor.sql()) {
                    int stored = count(c, "SELECT count(*) FROM messages WHERE sender_name LIKE 'crash\\_%'");
                    int distinct = count(c, "SELECT count(DISTINCT (sender_id, client_message_id)) FROM messages WHERE sender_name LIKE 'crash\\_%'");
                    int missing = 0;
                    for (String id : senders.acked.values()) {
                        if (count(c, "SELECT count(*) FROM messages WHERE id = '" + id + "'") != 1) {
                            missing++;
                        }
                    }
                    figures.put("acked but missing", missing);
                    figures.put("duplicates", stored - distinct);
                    figures.put("reader missed", senders.acked.values().stream().filter(id -> !seenByReader.contains(id)).count());
                    figures.put("seconds to recover", Duration.ofNanos(System.nanoTime() - killedAt).toSeconds());
                    FaultReport.record("kill -9 of a node under load", figures);

                    assertThat(senders.reconnects.get()).as("the crash was felt").isPositive();
                    assertThat(missing).as("every acknowledged message is stored").isZero();
                    assertThat(stored).as("no duplicates from retries").isEqualTo(distinct);
                    assertThat(stored).as("every stored message was acknowledged in the end").isEqualTo(senders.acked.size());
                    assertThat(senders.acked.values()).as("the reader saw or caught up with every message")
                            .allMatch(seenByReader::contains);
                }
            } finally {
                reader.close();
            }
        } finally {
            doomed.kill();
            TestDatabases.drop(database);
        }
    }

    /** JOIN_CHAT {since} until nothing is left: the contract's way to miss nothing. */
    private static Set<String> catchUp(ChatClient reader, String since) {
        Set<String> ids = new HashSet<>();
        String cursor = since;
        while (true) {
            JsonNode page = reader.emit("JOIN_CHAT", cursor == null ? null : Map.of("since", cursor)).get("messages");
            page.forEach(m -> ids.add(m.get("id").asText()));
            if (page.size() < 500 || cursor == null) {
                return ids;
            }
            cursor = page.get(page.size() - 1).get("id").asText();
        }
    }

    static int count(Connection c, String sql) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
