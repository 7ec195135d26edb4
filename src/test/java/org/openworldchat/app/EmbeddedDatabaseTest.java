package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
}
