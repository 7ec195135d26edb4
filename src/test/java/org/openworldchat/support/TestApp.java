package org.openworldchat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openworldchat.app.AppConfig;
import org.openworldchat.app.ChatApplication;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.retention.RetentionJob;

/**
 * The real server, wired by {@link ChatApplication} exactly as in production, on a random port,
 * with its own fresh database and a clock the test controls. Either started by hand
 * ({@link #start()}) or, registered with {@code @RegisterExtension static final TestApp app =
 * TestApp.perClass()}, once for a test class.
 */
public final class TestApp implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    public static final String SESSION_SECRET = "test-secret-test-secret-test-secret-0123456789";

    private final Map<String, String> env;
    private java.time.Duration socketConnectTimeout;
    private java.util.function.UnaryOperator<org.openworldchat.http.ConnectionLimits> connectionLimits;
    private ChatApplication app;
    private DatabaseUrl database;
    private MutableClock clock;
    private Path dataDir;
    private boolean ownsDatabase;

    private TestApp(Map<String, String> env) {
        this.env = env;
    }

    /** A server started before the class's first test and stopped after its last. */
    public static TestApp perClass() {
        return perClass(Map.of());
    }

    public static TestApp perClass(Map<String, String> env) {
        return new TestApp(env);
    }

    /** A shorter Socket.IO connect timeout than production's, for tests of the timeout; before the start. */
    public TestApp withSocketConnectTimeout(java.time.Duration timeout) {
        this.socketConnectTimeout = timeout;
        return this;
    }

    /**
     * Other connection rules than the configuration's, for tests of the HTTP timeouts (which are
     * not variables); before the start.
     */
    public TestApp withConnectionLimits(java.util.function.UnaryOperator<org.openworldchat.http.ConnectionLimits> change) {
        this.connectionLimits = change;
        return this;
    }

    public static TestApp start() {
        return start(Map.of());
    }

    /** Starts with a fresh database; {@code env} adds or overrides configuration variables. */
    public static TestApp start(Map<String, String> env) {
        return new TestApp(env).run(TestDatabases.create(), new MutableClock(), true);
    }

    /** Starts on a given database and clock (several nodes, restarts). */
    public static TestApp start(DatabaseUrl database, MutableClock clock, Map<String, String> env) {
        return new TestApp(env).run(database, clock, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        run(TestDatabases.create(), new MutableClock(), true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private TestApp run(DatabaseUrl db, MutableClock testClock, boolean owns) {
        try {
            Path dataDir = Files.createTempDirectory("owc-test-data");
            Map<String, String> vars = new HashMap<>();
            vars.put("PORT", "0");
            vars.put("DATA_DIR", dataDir.toString());
            vars.put("SESSION_SECRET", SESSION_SECRET);
            // Tests send in bursts; the limits themselves are tested with the contract's defaults.
            vars.put("RATE_LIMIT_MESSAGES", "100000/1s");
            vars.put("RATE_LIMIT_REACTIONS", "100000/1s");
            vars.put("RATE_LIMIT_UPLOADS", "100000/1s");
            vars.put("RATE_LIMIT_USERNAME_CHANGES", "100000/1s");
            // Every test client comes from 127.0.0.1: the per-address limits (AddressLimitTest) too.
            vars.put("RATE_LIMIT_ADDRESS_NEW_GUESTS", "100000/1s");
            vars.put("RATE_LIMIT_ADDRESS_MESSAGES", "100000/1s");
            vars.put("RATE_LIMIT_ADDRESS_REACTIONS", "100000/1s");
            vars.put("RATE_LIMIT_ADDRESS_USERNAME_CHANGES", "100000/1s");
            vars.put("RATE_LIMIT_ADDRESS_UPLOADS", "100000/1s");
            vars.put("RATE_LIMIT_ADDRESS_UPLOAD_BYTES", "999999999/1s");
            // Every test client comes from 127.0.0.1; the per-address limit has its own tests.
            vars.put("MAX_SOCKETS_PER_IP", "100000");
            vars.put("MAX_CONNECTIONS_PER_IP", "100000");
            vars.putAll(env);
            AppConfig config = AppConfig.fromEnvironment(vars).withDatabase(db);
            if (socketConnectTimeout != null) {
                config = config.withSocketConnectTimeout(socketConnectTimeout);
            }
            if (connectionLimits != null) {
                config = config.withConnectionLimits(connectionLimits.apply(config.connectionLimits()));
            }
            this.database = db;
            this.clock = testClock;
            this.dataDir = dataDir;
            this.ownsDatabase = owns;
            this.app = ChatApplication.start(config, testClock);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // A start that fails (tests of bad configuration) leaves no test database behind.
            if (owns) {
                TestDatabases.drop(db);
            }
            throw e;
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

    /** The server's {@code DATA_DIR} (local uploads live under {@code uploads/}). */
    public Path dataDir() {
        return dataDir;
    }

    /** The server's retention job, to run it now instead of waiting for its schedule. */
    public RetentionJob retention() {
        return app.retention();
    }

    public Connection sql() throws SQLException {
        return TestDatabases.connect(database);
    }

    public Http http() {
        return new Http(baseUrl());
    }

    public ChatClient client() {
        return ChatClient.connect(baseUrl(), (String) null);
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
        if (app == null) {
            return;
        }
        app.close();
        app = null;
        if (ownsDatabase) {
            TestDatabases.drop(database);
        }
    }
}
