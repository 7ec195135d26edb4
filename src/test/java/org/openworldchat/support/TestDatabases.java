package org.openworldchat.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.openworldchat.app.DatabaseUrl;

/**
 * Fresh, empty databases for tests, on the PostgreSQL server named by {@code TEST_DATABASE_URL}
 * (CI: the machine's own server), else by {@code DATABASE_URL}, or else on one embedded
 * PostgreSQL started for the test run. Only the server and credentials of the URL are used: each
 * database is created next to the one it names.
 */
public final class TestDatabases {

    private static DatabaseUrl admin;
    private static EmbeddedPostgres embedded;

    private TestDatabases() {
    }

    /** A new empty database; its name is unique to this call. */
    public static synchronized DatabaseUrl create() {
        DatabaseUrl server = admin();
        String name = "owc_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = connect(server); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + server.describe(), e);
        }
        String jdbc = server.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        return new DatabaseUrl(jdbc, server.user(), server.password());
    }

    /** Drops a database made by {@link #create()}, closing whatever still uses it. */
    public static synchronized void drop(DatabaseUrl url) {
        String name = url.describe().substring(url.describe().lastIndexOf('/') + 1);
        try (Connection c = connect(admin()); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    public static Connection connect(DatabaseUrl url) throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    private static DatabaseUrl admin() {
        if (admin != null) {
            return admin;
        }
        String configured = configuredServer(System.getenv());
        if (configured != null) {
            admin = DatabaseUrl.parse(configured);
        } else {
            RequiredServices.assume(!RequiredServices.required(), "TEST_DATABASE_URL or DATABASE_URL (a PostgreSQL server)");
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            admin = new DatabaseUrl(embedded.getJdbcUrl("postgres", "postgres"), "postgres", null);
        }
        return admin;
    }

    /** {@code TEST_DATABASE_URL}, else {@code DATABASE_URL}; null when neither is set (blank counts as unset). */
    static String configuredServer(Map<String, String> env) {
        for (String variable : new String[]{"TEST_DATABASE_URL", "DATABASE_URL"}) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
