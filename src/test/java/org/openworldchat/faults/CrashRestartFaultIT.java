package org.openworldchat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openworldchat.support.Http;
import org.openworldchat.support.NodeProcess;

/**
 * kill -9 of the built jar running its embedded PostgreSQL, as a newcomer runs it ({@code java -jar}
 * in a folder of its own, {@code ./data}): the PostgreSQL outlives the server; the next start stops
 * that orphan, comes up on the same data within 30 s and has every message acknowledged before the
 * kill. Runs after {@code package} (maven-failsafe-plugin), since it needs the jar.
 */
class CrashRestartFaultIT {

    private static final Duration READY_WITHIN = Duration.ofSeconds(30);
    /** The line the server logs once its embedded PostgreSQL is up, with the port an operator connects to. */
    private static final Pattern EMBEDDED_UP = Pattern.compile("INFO .*embedded PostgreSQL is up .*port=(\\d+)");

    @Test
    void aNodeKilledWithItsEmbeddedDatabaseComesBackWithEveryAcknowledgedMessage(@TempDir Path dir) throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Path pgDir = dir.resolve("data/postgres");
        NodeProcess node = NodeProcess.startJar(dir, port, Map.of());
        try (Senders senders = new Senders(FaultScale.senders(), "restart_", () -> base)) {
            senders.start();
            senders.awaitAcked(FaultScale.senders() * 3, Duration.ofSeconds(60));
            Thread.sleep(FaultScale.phaseMillis());
            List<String> pidFile = Files.readAllLines(pgDir.resolve("postmaster.pid"));
            long orphan = Long.parseLong(pidFile.get(0).strip());
            node.kill();
            assertThat(isPostgresIn(orphan, pgDir)).as("the embedded PostgreSQL outlived the killed server").isTrue();
            int ackedBeforeKill = senders.acked.size();

            long restarting = System.nanoTime();
            // An operator looking into the orphan (its port is the pid file's fourth line) does not hold the start up.
            try (Connection operator = DriverManager.getConnection(
                    "jdbc:postgresql://localhost:" + pidFile.get(3).strip() + "/postgres?user=postgres")) {
                node = NodeProcess.startJar(dir, port, Map.of());
            }
            Duration ready = Duration.ofNanos(System.nanoTime() - restarting);
            assertThat(ready).as("ready after the restart; log: %s", node.log()).isLessThan(READY_WITHIN);
            assertThat(isPostgresIn(orphan, pgDir)).as("the orphan was stopped").isFalse();

            Thread.sleep(FaultScale.phaseMillis());
            senders.stop(Duration.ofSeconds(60));
            Map<String, JsonNode> stored = storedMessages(base);
            long mine = stored.values().stream().filter(m -> m.get("senderName").asText().startsWith("restart_")).count();
            List<String> missing = senders.acked.values().stream().filter(id -> !stored.containsKey(id)).toList();

            // The port the server logged is where an operator's psql connects.
            Matcher logged = EMBEDDED_UP.matcher(node.log());
            assertThat(logged.find()).as("the embedded PostgreSQL's port is logged: %s", node.log()).isTrue();
            int countedWithSql;
            try (Connection sql = DriverManager.getConnection(
                    "jdbc:postgresql://localhost:" + logged.group(1) + "/postgres?user=postgres")) {
                countedWithSql = Integer.parseInt(value(sql, "SELECT count(*) FROM messages"));
                // An ack means stored: on disk before the ack (the library's defaults for test databases turn both off).
                assertThat(value(sql, "SHOW fsync")).isEqualTo("on");
                assertThat(value(sql, "SHOW synchronous_commit")).isEqualTo("on");
            }

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("senders", FaultScale.senders());
            figures.put("acked before the kill", ackedBeforeKill);
            figures.put("acked in all", senders.acked.size());
            figures.put("reconnects", senders.reconnects.get());
            figures.put("ready after restart ms", ready.toMillis());
            figures.put("acked but missing", missing.size());
            FaultReport.record("kill -9 of a node with its embedded database, restarted", figures);

            assertThat(senders.reconnects.get()).as("the crash was felt").isPositive();
            assertThat(missing).as("every acknowledged message is there after the restart").isEmpty();
            assertThat(mine).as("nothing stored twice, nothing stored unacknowledged").isEqualTo(senders.acked.size());
            assertThat(countedWithSql).as("messages counted through the logged port").isEqualTo(stored.size());
            assertThat(node.terminate(Duration.ofSeconds(30))).as("a clean stop; log: %s", node.log()).isEqualTo(143);
            assertThat(pgDir.resolve("postmaster.pid")).as("the node stopped its PostgreSQL").doesNotExist();
        } finally {
            node.kill();
            stopPostgresIn(pgDir);
        }
    }

    /**
     * The server and its PostgreSQL killed together, as the OOM killer or a crash of the machine's
     * processes does: PostgreSQL recovers from its log at the next start, so what was acknowledged
     * must have been in that log, on disk, before the ack.
     */
    @Test
    void aNodeKilledTogetherWithItsEmbeddedDatabaseLosesNoAcknowledgedMessage(@TempDir Path dir) throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Path pgDir = dir.resolve("data/postgres");
        NodeProcess node = NodeProcess.startJar(dir, port, Map.of());
        try (Senders senders = new Senders(FaultScale.senders(), "oom_", () -> base)) {
            senders.start();
            senders.awaitAcked(FaultScale.senders() * 3, Duration.ofSeconds(60));
            Thread.sleep(FaultScale.phaseMillis());
            // Every process of the database first (an ack needs a live database), then the server.
            // Again until none is left: the postmaster may have started a backend meanwhile.
            int killed = 0;
            for (List<ProcessHandle> left = postgresIn(pgDir); !left.isEmpty(); left = postgresIn(pgDir)) {
                left.forEach(ProcessHandle::destroyForcibly);
                killed += left.size();
            }
            node.kill();
            Map<java.util.UUID, String> ackedBeforeKill = Map.copyOf(senders.acked);

            long restarting = System.nanoTime();
            node = NodeProcess.startJar(dir, port, Map.of());
            Duration ready = Duration.ofNanos(System.nanoTime() - restarting);
            assertThat(ready).as("ready after the restart; log: %s", node.log()).isLessThan(READY_WITHIN);
            Thread.sleep(FaultScale.phaseMillis());
            senders.stop(Duration.ofSeconds(60));
            Map<String, JsonNode> stored = storedMessages(base);
            List<String> lost = ackedBeforeKill.values().stream().filter(id -> !stored.containsKey(id)).toList();
            List<String> missing = senders.acked.values().stream().filter(id -> !stored.containsKey(id)).toList();

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("senders", FaultScale.senders());
            figures.put("database processes killed", killed);
            figures.put("acked before the kill", ackedBeforeKill.size());
            figures.put("acked in all", senders.acked.size());
            figures.put("ready after restart ms", ready.toMillis());
            figures.put("acked before the kill but lost", lost.size());
            figures.put("acked but missing", missing.size());
            FaultReport.record("kill -9 of a node and its embedded database together, restarted", figures);

            assertThat(killed).as("the database's processes").isPositive();
            assertThat(lost).as("every message acknowledged before the kill survived it").isEmpty();
            assertThat(missing).as("every acknowledged message is there").isEmpty();
        } finally {
            node.kill();
            stopPostgresIn(pgDir);
        }
    }

    @Test
    void aSecondNodeOnTheSameLiveDataDirectoryStopsWithOneLine(@TempDir Path dir) throws Exception {
        NodeProcess first = NodeProcess.startJar(dir, freePort(), Map.of());
        try {
            long postmaster = postmasterPid(dir.resolve("data/postgres"));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder pb = new ProcessBuilder(java.toString(), "-jar",
                    Path.of("target", "open-world-chat.jar").toAbsolutePath().toString()).directory(dir.toFile())
                    .redirectOutput(dir.resolve("second.out").toFile()).redirectError(dir.resolve("second.err").toFile());
            pb.environment().keySet().removeIf(k -> k.equals("DATABASE_URL") || k.equals("DATA_DIR") || k.equals("REDIS_URL"));
            pb.environment().put("PORT", String.valueOf(freePort()));
            Process second = pb.start();
            if (!second.waitFor(60, TimeUnit.SECONDS)) {
                second.destroyForcibly();
                throw new AssertionError("the second node did not stop");
            }
            String stderr = Files.readString(dir.resolve("second.err"), StandardCharsets.UTF_8);
            String stdout = Files.readString(dir.resolve("second.out"), StandardCharsets.UTF_8);
            assertThat(second.exitValue()).as("exit code; stderr: %s", stderr).isEqualTo(1);
            assertThat(stderr.strip()).isEqualTo("open-world-chat: cannot start: cannot start the embedded PostgreSQL in "
                    + "data/postgres: another server is using it: stop that one, or give this one another DATA_DIR");
            assertThat(stdout + stderr).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(isPostgresIn(postmaster, dir.resolve("data/postgres"))).as("the first node's PostgreSQL").isTrue();
            assertThat(first.http().get("/ready").status()).as("the first node").isEqualTo(200);
        } finally {
            first.close();
            stopPostgresIn(dir.resolve("data/postgres"));
        }
    }

    /** Every unexpired message, read through {@code GET /api/messages} page by page, by id. */
    private static Map<String, JsonNode> storedMessages(String base) {
        Map<String, JsonNode> byId = new HashMap<>();
        Http http = new Http(base);
        String before = null;
        while (true) {
            Http.Reply reply = http.get("/api/messages?limit=100" + (before == null ? "" : "&before=" + before));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode page = reply.json();
            List<JsonNode> messages = new ArrayList<>();
            page.get("messages").forEach(messages::add);
            messages.forEach(m -> byId.put(m.get("id").asText(), m));
            if (!page.get("hasMore").asBoolean() || messages.isEmpty()) {
                return byId;
            }
            before = messages.getFirst().get("id").asText();
        }
    }

    private static String value(Connection sql, String query) throws Exception {
        try (ResultSet rs = sql.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long postmasterPid(Path pgDir) throws IOException {
        return Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).getFirst().strip());
    }

    /** A running (not a zombie) postgres whose working directory is {@code pgDir}, as a postmaster's is. */
    private static boolean isPostgresIn(long pid, Path pgDir) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X'
                    && Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "exe")).getFileName().toString().equals("postgres")
                    && Files.isSameFile(Path.of("/proc", String.valueOf(pid), "cwd"), pgDir);
        } catch (IOException gone) {
            return false;
        }
    }

    private static List<ProcessHandle> postgresIn(Path pgDir) {
        return ProcessHandle.allProcesses().filter(p -> isPostgresIn(p.pid(), pgDir)).toList();
    }

    /** A failed run's PostgreSQL must not outlive the test: SIGTERM to it, never to anything else. */
    private static void stopPostgresIn(Path pgDir) throws Exception {
        if (!Files.exists(pgDir.resolve("postmaster.pid"))) {
            return;
        }
        long pid = postmasterPid(pgDir);
        if (isPostgresIn(pid, pgDir)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            for (int i = 0; i < 300 && isPostgresIn(pid, pgDir); i++) {
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
