package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/** Starting the server: schema, several nodes at once, and one clear line when it cannot start. */
class StartupTest {

    @Test
    void twoNodesStartingTogetherOnAnEmptyDatabaseShareOneSchema() throws Exception {
        DatabaseUrl db = TestDatabases.create();
        MutableClock clock = new MutableClock();
        CompletableFuture<TestApp> a = CompletableFuture.supplyAsync(() -> TestApp.start(db, clock, Map.of()));
        CompletableFuture<TestApp> b = CompletableFuture.supplyAsync(() -> TestApp.start(db, clock, Map.of()));
        try (TestApp one = a.get(60, TimeUnit.SECONDS); TestApp two = b.get(60, TimeUnit.SECONDS)) {
            assertThat(one.http().get("/ready").status()).isEqualTo(200);
            assertThat(two.http().get("/ready").status()).isEqualTo(200);
            try (Connection c = one.sql(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(countMigrations());
            }
        } finally {
            TestDatabases.drop(db);
        }
    }

    @Test
    void theSchemaHasTheContractsTablesAndColumns() throws Exception {
        try (TestApp app = TestApp.start(); Connection c = app.sql()) {
            assertThat(columns(c, "guest_users")).containsAll(List.of(
                    "id uuid", "guest_id uuid", "username text", "last_active_at timestamp with time zone",
                    "created_at timestamp with time zone"));
            assertThat(columns(c, "messages")).containsAll(List.of(
                    "id uuid", "content text", "image_url text", "sender_id uuid", "sender_name text",
                    "reply_to_message_id uuid", "reactions jsonb", "client_message_id uuid",
                    "created_at timestamp with time zone"));
            try (ResultSet rs = c.createStatement().executeQuery("""
                    SELECT confdeltype FROM pg_constraint WHERE conrelid = 'messages'::regclass AND contype = 'f'""")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("ON DELETE SET NULL").isEqualTo("n");
            }
        }
    }

    /** The constraints and indexes the contract relies on, not only the columns. */
    @Test
    void theSchemaHasTheContractsConstraintsAndIndexes() throws Exception {
        try (TestApp app = TestApp.start(); Connection c = app.sql()) {
            List<String> guestIndexes = uniqueIndexes(c, "guest_users");
            assertThat(guestIndexes).as("usernames are unique ignoring case").contains("(lower(username))");
            assertThat(guestIndexes).as("guest_id UNIQUE").contains("(guest_id)");
            assertThat(uniqueIndexes(c, "messages")).as("a retry key is stored once per sender")
                    .contains("(sender_id, client_message_id)");
            try (ResultSet rs = c.createStatement().executeQuery("""
                    SELECT is_nullable, column_default FROM information_schema.columns
                    WHERE table_name = 'messages' AND column_name = 'reactions'""")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("is_nullable")).as("reactions NOT NULL").isEqualTo("NO");
                assertThat(rs.getString("column_default")).as("reactions DEFAULT '{}'").isEqualTo("'{}'::jsonb");
            }
            // History reads the newest messages first (ORDER BY seq DESC LIMIT n). With scans and
            // sorts made prohibitively expensive, only an index in that order can serve the query.
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL enable_sort = off");
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("""
                        EXPLAIN SELECT id FROM messages WHERE created_at > now() - interval '24 hours'
                        ORDER BY seq DESC LIMIT 50""")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                assertThat(plan.toString()).as("an index serves newest-first").contains("Index Scan Backward using")
                        .contains(" on messages").doesNotContain("Sort");
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void aBadDatabaseUrlStopsTheServerWithOneLine() throws Exception {
        Result r = runMain(Map.of("DATABASE_URL", "mysql://root@localhost/chat"));
        assertOneLine(r, 2);
        assertThat(r.stderr()).startsWith("open-world-chat: configuration error: DATABASE_URL: ");
    }

    @Test
    void anUnreachableDatabaseStopsTheServerWithOneLine() throws Exception {
        Result r = runMain(Map.of("DATABASE_URL", "postgresql://chat:hunter2@127.0.0.1:1/chat"));
        assertOneLine(r, 1);
        assertThat(r.stderr().strip()).isEqualTo("open-world-chat: cannot start: DATABASE_URL: cannot use the database at "
                + "jdbc:postgresql://127.0.0.1:1/chat: Connection refused");
        assertOneLogLinePerRetry(r, "jdbc:postgresql://127.0.0.1:1/chat", "Connection refused");
        assertThat(r.stdout() + r.stderr()).as("the password").doesNotContain("hunter2");
    }

    @Test
    void anUnknownDatabaseHostStopsTheServerWithOneLine() throws Exception {
        Result r = runMain(Map.of("DATABASE_URL", "postgresql://chat@no-such-host.invalid/chat"));
        assertOneLine(r, 1);
        assertThat(r.stderr().strip()).isEqualTo("open-world-chat: cannot start: DATABASE_URL: cannot use the database at "
                + "jdbc:postgresql://no-such-host.invalid:5432/chat: unknown host no-such-host.invalid");
        assertOneLogLinePerRetry(r, "jdbc:postgresql://no-such-host.invalid:5432/chat", "unknown host no-such-host.invalid");
    }

    /** Something that takes the connection and never answers (another service on the port, a hung server). */
    @Test
    void aDatabaseThatNeverAnswersStopsTheServerWithOneLine() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            String at = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/chat";
            Result r = runMain(Map.of("DATABASE_URL", "postgresql://chat@127.0.0.1:" + silent.getLocalPort() + "/chat"));
            assertOneLine(r, 1);
            assertThat(r.stderr().strip()).startsWith("open-world-chat: cannot start: DATABASE_URL: cannot use the database at "
                    + at + ": ");
            String reason = r.stderr().strip().substring(r.stderr().strip().lastIndexOf(": ") + 2);
            assertOneLogLinePerRetry(r, at, reason);
            assertThat(r.took()).as("given up, not waiting for ever").isLessThan(Duration.ofSeconds(
                    (FirstConnection.RETRY_DELAYS.size() + 1) * (FirstConnection.LOGIN_TIMEOUT_SECONDS + 2) + 5));
        }
    }

    /** Checked before the database starts: the embedded one takes seconds to create its data directory. */
    @Test
    void aPortInUseStopsTheServerAtOnceWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Result r = runMain(Map.of("PORT", String.valueOf(taken.getLocalPort())));
            assertOneLine(r, 1);
            assertThat(r.stderr().strip()).isEqualTo("open-world-chat: cannot start: PORT: cannot listen on port "
                    + taken.getLocalPort() + ": Address already in use");
            assertThat(r.stdout()).as("nothing logged, by us or a library").isEmpty();
            assertThat(r.dir().resolve("data/postgres")).as("the embedded database never started").doesNotExist();
            assertThat(r.took()).as("at once").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBadPortStopsTheServerWithOneLine() throws Exception {
        Result r = runMain(Map.of("PORT", "99999"));
        assertOneLine(r, 2);
        assertThat(r.stderr().strip()).isEqualTo("open-world-chat: configuration error: PORT: must be between 0 and 65535, got 99999");
    }

    @Test
    void aBadCleanupCronStopsTheServerWithOneLine() throws Exception {
        Result r = runMain(Map.of("CLEANUP_CRON", "every hour"));
        assertOneLine(r, 2);
        assertThat(r.stderr()).startsWith("open-world-chat: configuration error: CLEANUP_CRON: ");
    }

    @Test
    void aDotEnvFileInTheWorkingDirectoryIsRead() throws Exception {
        Result r = runMain(Map.of(), """
                # settings of this node
                CLEANUP_CRON="0 * * * *"
                PORT=99999
                """);
        assertOneLine(r, 2);
        assertThat(r.stderr().strip()).isEqualTo("open-world-chat: configuration error: PORT: must be between 0 and 65535, got 99999");
    }

    @Test
    void aRealEnvironmentVariableBeatsTheDotEnvFile() throws Exception {
        Result r = runMain(Map.of("PORT", "99998"), "PORT=99999\n");
        assertOneLine(r, 2);
        assertThat(r.stderr().strip()).isEqualTo("open-world-chat: configuration error: PORT: must be between 0 and 65535, got 99998");
    }

    @Test
    void aMalformedDotEnvFileStopsTheServerWithOneLine() throws Exception {
        Result r = runMain(Map.of(), "PORT=4000\nSESSION_SECRET hunter2-hunter2-hunter2-hunter2\n");
        assertOneLine(r, 2);
        assertThat(r.stderr().strip()).isEqualTo("open-world-chat: configuration error: "
                + r.dir().toRealPath().resolve(".env") + ": line 2 is not NAME=value");
        assertThat(r.stderr()).doesNotContain("hunter2");
    }

    /** Once skipped without a word, the server then starting on the default port. */
    @Test
    void aDotEnvLineWithAnUnclosedQuoteStopsTheServerWithOneLine() throws Exception {
        // The database is unreachable so that a server that ignored the line would stop anyway, in a second.
        Result r = runMain(Map.of("DATABASE_URL", "postgresql://chat@127.0.0.1:1/chat"), "PORT=\"4002\n");
        assertOneLine(r, 2);
        assertThat(r.stderr().strip()).isEqualTo("open-world-chat: configuration error: "
                + r.dir().toRealPath().resolve(".env") + ": line 1 is not NAME=value");
    }

    /** Exit code and one line on stderr, and no stack trace anywhere. */
    private static void assertOneLine(Result r, int exit) {
        assertThat(r.exit()).as("exit code; stderr: %s", r.stderr()).isEqualTo(exit);
        assertThat(r.stderr().strip().lines()).as("stderr").hasSize(1);
        for (String stream : new String[]{r.stdout(), r.stderr()}) {
            assertThat(stream).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    /**
     * What the server logged before giving up on the database: one line of its own for each retry,
     * naming the database and the reason, and nothing from the libraries (Flyway, HikariCP, the
     * driver) that opened the connections.
     */
    private static void assertOneLogLinePerRetry(Result r, String database, String reason) {
        List<String> lines = r.stdout().lines().filter(l -> !l.contains(" SessionSecret - ")).toList();
        assertThat(lines).as("stdout").hasSize(FirstConnection.RETRY_DELAYS.size()).allSatisfy(line -> assertThat(line)
                .matches("\\S+ WARN  FirstConnection - no answer from the database; trying again in \\d s "
                        + "database=" + Pattern.quote(database) + " reason=" + Pattern.quote(reason)));
    }

    private record Result(int exit, String stdout, String stderr, Path dir, Duration took) {
    }

    private static Result runMain(Map<String, String> env) throws IOException, InterruptedException {
        return runMain(env, null);
    }

    /**
     * Runs the real entry point in its own JVM, as {@code java -jar} would (whose manifest enables
     * native access), in a working directory of its own with {@code dotenv} as its {@code .env}.
     */
    private static Result runMain(Map<String, String> env, String dotenv) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("owc-main");
        if (dotenv != null) {
            Files.writeString(dir.resolve(".env"), dotenv, StandardCharsets.UTF_8);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName())
                .directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.equals("DATABASE_URL") || k.equals("PORT") || k.equals("REDIS_URL"));
        pb.environment().putAll(env);
        pb.environment().put("DATA_DIR", dir.resolve("data").toString());
        long started = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the server did not stop");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8), dir, took);
    }

    /** The column lists of a table's unique indexes, e.g. {@code (sender_id, client_message_id)}. */
    private static List<String> uniqueIndexes(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(
                "SELECT indexdef FROM pg_indexes WHERE tablename = '" + table + "' AND indexdef LIKE 'CREATE UNIQUE INDEX %'")) {
            while (rs.next()) {
                String def = rs.getString(1);
                out.add(def.substring(def.indexOf(" USING btree ") + " USING btree ".length()));
            }
        }
        return out;
    }

    private static List<String> columns(Connection c, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '" + table + "'")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return out;
    }

    private static int countMigrations() throws IOException {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
    }
}
