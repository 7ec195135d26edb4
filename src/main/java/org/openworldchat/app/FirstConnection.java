package org.openworldchat.app;

import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.openworldchat.contract.ErrorMapper;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's first connection to its database, before the migrations: a few tries with one log
 * line for each that fails, then the failure, which {@link Database} turns into the one line the
 * server stops with. Flyway's own retries logged a block of several lines for each try.
 */
final class FirstConnection {

    private static final Logger log = LoggerFactory.getLogger(FirstConnection.class);

    static final List<Duration> RETRY_DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));
    private static final int CONNECT_TIMEOUT_SECONDS = 3;
    /**
     * Connecting, TLS and login together, as long as the pool waits for a connection later. The
     * driver waits for ever by default: on a port where something else listens, for an answer
     * that never comes.
     */
    static final int LOGIN_TIMEOUT_SECONDS = 3;

    private FirstConnection() {
    }

    /** Connections for the start (the check and the migrations), which give up on a silent server. */
    static DataSource dataSource(DatabaseUrl url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url.jdbcUrl());
        if (url.user() != null) {
            ds.setUser(url.user());
        }
        if (url.password() != null) {
            ds.setPassword(url.password());
        }
        ds.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        ds.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        ds.setApplicationName("open-world-chat");
        return ds;
    }

    /** Returns once a connection opens; throws the last failure after {@link #RETRY_DELAYS} run out. */
    static void await(DataSource dataSource, DatabaseUrl url) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try (Connection ignored = dataSource.getConnection()) {
                return;
            } catch (SQLException e) {
                if (attempt == RETRY_DELAYS.size()) {
                    throw e;
                }
                Duration delay = RETRY_DELAYS.get(attempt);
                log.atWarn().addKeyValue("database", url.describe()).addKeyValue("reason", reason(e))
                        .log("no answer from the database; trying again in {} s", delay.toSeconds());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Why a connection failed, in a few words: the innermost message, the host when its name is unknown. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
        }
        return ErrorMapper.rootMessage(e);
    }
}
