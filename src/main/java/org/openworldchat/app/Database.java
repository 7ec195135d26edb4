package org.openworldchat.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.contract.ErrorMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL the server talks to: the one {@code DATABASE_URL} names, or an embedded one kept
 * under the data directory. Migrations run at open; Flyway holds a PostgreSQL advisory lock
 * while migrating, so nodes starting together apply each migration once.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Pool settings: a write fails within a few seconds when the database is away. */
    private static final long CONNECTION_TIMEOUT_MS = 3_000;
    private static final int STATEMENT_TIMEOUT_MS = 5_000;
    /** How long a start waits for the embedded PostgreSQL a killed run left running to stop. */
    private static final Duration ORPHAN_STOP_WITHIN = Duration.ofSeconds(30);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Optional<EmbeddedPostgres> embedded;

    private Database(HikariDataSource dataSource, Optional<EmbeddedPostgres> embedded) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.embedded = embedded;
    }

    public static Database open(Optional<DatabaseUrl> configured, Path dataDir, int poolSize, MeterRegistry meters) {
        Optional<EmbeddedPostgres> embedded = Optional.empty();
        DatabaseUrl url;
        if (configured.isPresent()) {
            url = configured.get();
        } else {
            EmbeddedPostgres pg = startEmbedded(dataDir.resolve("postgres"));
            embedded = Optional.of(pg);
            url = new DatabaseUrl(pg.getJdbcUrl("postgres", "postgres"), "postgres", null);
        }
        try {
            DataSource direct = FirstConnection.dataSource(url);
            FirstConnection.await(direct, url);
            migrate(direct);
            return new Database(pool(url, poolSize, meters), embedded);
        } catch (RuntimeException | SQLException e) {
            embedded.ifPresent(Database::stopQuietly);
            String variable = configured.isPresent() ? DatabaseUrl.VARIABLE + ": " : "";
            throw new StartupException(variable + "cannot use the database at " + url.describe() + ": " + FirstConnection.reason(e), e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** True when a connection answers within the pool's timeout. */
    public boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static EmbeddedPostgres startEmbedded(Path dir) {
        try {
            Files.createDirectories(dir);
            log.atInfo().addKeyValue("dir", dir.toAbsolutePath()).log("starting embedded PostgreSQL");
            LeftoverPostmaster.clear(dir, ORPHAN_STOP_WITHIN);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    // The library's defaults suit throwaway test databases: no fsync (-F), and commits
                    // that return before their log is written. An ack must mean stored, here too.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            // A new port at every start: this line is where an operator finds it for psql.
            log.atInfo().addKeyValue("port", pg.getPort()).addKeyValue("dir", dir.toAbsolutePath())
                    .log("embedded PostgreSQL is up");
            return pg;
        } catch (IOException | RuntimeException e) {
            throw new StartupException("cannot start the embedded PostgreSQL in " + dir + ": " + ErrorMapper.rootMessage(e), e);
        }
    }

    /** After {@link FirstConnection#await}, which retried: Flyway's own retries log a block each. */
    private static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .connectRetries(0)
                .load()
                .migrate();
    }

    private static HikariDataSource pool(DatabaseUrl url, int poolSize, MeterRegistry meters) {
        HikariConfig config = new HikariConfig();
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        config.setPoolName("owc-db");
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
        }
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(CONNECTION_TIMEOUT_MS);
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty("socketTimeout", "10");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "open-world-chat");
        config.addDataSourceProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT_MS + " -c TimeZone=UTC");
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        dataSource.close();
        embedded.ifPresent(Database::stopQuietly);
    }

    private static void stopQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
