package org.openworldchat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.openworldchat.app.AppConfig;
import org.openworldchat.app.ChatApplication;
import org.openworldchat.app.DatabaseUrl;

/**
 * The real server, wired by {@link ChatApplication} exactly as in production, on a random port,
 * with its own fresh database and a clock the test controls.
 */
public final class TestApp implements AutoCloseable {

    public static final String SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";

    private final ChatApplication app;
    private final DatabaseUrl database;
    private final MutableClock clock;
    private final boolean ownsDatabase;

    private TestApp(ChatApplication app, DatabaseUrl database, MutableClock clock, boolean ownsDatabase) {
        this.app = app;
        this.database = database;
        this.clock = clock;
        this.ownsDatabase = ownsDatabase;
    }

    public static TestApp start() {
        return start(Map.of());
    }

    /** Starts with a fresh database; {@code env} adds or overrides configuration variables. */
    public static TestApp start(Map<String, String> env) {
        return start(TestDatabases.create(), new MutableClock(), env, true);
    }

    /** Starts on a given database (several nodes, restarts). */
    public static TestApp start(DatabaseUrl database, MutableClock clock, Map<String, String> env) {
        return start(database, clock, env, false);
    }

    private static TestApp start(DatabaseUrl database, MutableClock clock, Map<String, String> env, boolean owns) {
        try {
            Path dataDir = Files.createTempDirectory("owc-test-data");
            Map<String, String> vars = new HashMap<>();
            vars.put("PORT", "0");
            vars.put("DATA_DIR", dataDir.toString());
            vars.put("SESSION_SECRET", SESSION_SECRET);
            vars.putAll(env);
            AppConfig config = AppConfig.fromEnvironment(vars).withDatabase(database);
            return new TestApp(ChatApplication.start(config, clock), database, clock, owns);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    public int port() {
        return app.port();
    }

    public MutableClock clock() {
        return clock;
    }

    public DatabaseUrl database() {
        return database;
    }

    public Connection sql() throws SQLException {
        return TestDatabases.connect(database);
    }

    public Http http() {
        return new Http(baseUrl());
    }

    public ChatClient client() {
        return ChatClient.connect(baseUrl(), null);
    }

    /** A client whose guest has chosen {@code username} and who joined the chat. */
    public ChatClient writer(String username) {
        ChatClient client = client();
        client.setUsername(username);
        client.join();
        return client;
    }

    @Override
    public void close() {
        app.close();
        if (ownsDatabase) {
            TestDatabases.drop(database);
        }
    }
}
