package org.openworldchat.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openworldchat.app.DatabaseUrl;

/**
 * A real PostgreSQL of the test's own (embedded, on a fixed port and data directory), so a test
 * can stop it under load and start it again, as a database restart would, without touching the
 * server other tests use.
 */
public final class OwnPostgres implements AutoCloseable {

    private final int port;
    private final Path dir;
    private EmbeddedPostgres pg;

    public OwnPostgres() {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
            dir = Files.createTempDirectory("owc-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    public DatabaseUrl url() {
        return new DatabaseUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null);
    }

    public void start() {
        try {
            pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir).setCleanDataDirectory(false).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stop() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
