package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.Http;

/** With no DATABASE_URL the server brings its own PostgreSQL under the data directory and keeps it. */
class EmbeddedDatabaseTest {

    @Test
    void createdOnFirstStartAndReusedOnTheNext() throws Exception {
        Path dataDir = Files.createTempDirectory("owc-embedded");
        Map<String, String> env = Map.of("PORT", "0", "DATA_DIR", dataDir.toString());
        String messageId;
        String cookie;
        try (ChatApplication app = ChatApplication.start(AppConfig.fromEnvironment(env), Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + app.port();
            cookie = Http.cookiePair(new Http(base).get("/api/session").header("set-cookie"));
            try (ChatClient client = ChatClient.connect(base, cookie)) {
                client.setUsername("embedded");
                messageId = client.send("kept across restarts").get("id").asText();
            }
        }
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();
        assertThat(dataDir.resolve("session-secret")).exists();
        try (ChatApplication app = ChatApplication.start(AppConfig.fromEnvironment(env), Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + app.port();
            var page = new Http(base).get("/api/messages").json();
            assertThat(page.at("/messages/0/id").asText()).isEqualTo(messageId);
            // The generated session secret was kept too: the old cookie still names the same guest.
            assertThat(new Http(base).get("/api/session", "Cookie", cookie).json().get("username").asText())
                    .isEqualTo("embedded");
        }
    }

    /**
     * A postmaster.pid that outlived its PostgreSQL (a power cut) names a pid that is gone, or one
     * that another program got since (after a reboot): the server comes up on its data, and the
     * other program is left alone.
     */
    @Test
    void aStalePostmasterPidHurtsNothing(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("PORT", "0", "DATA_DIR", dataDir.toString());
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        List<String> live;
        String messageId;
        try (ChatApplication app = ChatApplication.start(AppConfig.fromEnvironment(env), Clock.systemUTC())) {
            live = Files.readAllLines(pidFile);
            String base = "http://127.0.0.1:" + app.port();
            try (ChatClient client = ChatClient.connect(base, Http.cookiePair(new Http(base).get("/api/session").header("set-cookie")))) {
                client.setUsername("stale");
                messageId = client.send("before the power cut").get("id").asText();
            }
        }
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        Process other = new ProcessBuilder("sleep", "600").start();
        try {
            for (long pid : new long[]{exited.pid(), other.pid()}) {
                List<String> stale = new ArrayList<>(live);
                stale.set(0, String.valueOf(pid));
                Files.write(pidFile, stale);
                try (ChatApplication app = ChatApplication.start(AppConfig.fromEnvironment(env), Clock.systemUTC())) {
                    var page = new Http("http://127.0.0.1:" + app.port()).get("/api/messages").json();
                    assertThat(page.at("/messages/0/id").asText()).isEqualTo(messageId);
                }
            }
            assertThat(other.isAlive()).as("the program that has the pid now").isTrue();
        } finally {
            other.destroyForcibly();
        }
    }
}
