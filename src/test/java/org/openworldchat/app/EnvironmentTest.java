package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code .env} file: read when present, beaten by real variables, and never half-read. */
class EnvironmentTest {

    @TempDir
    Path dir;

    private void dotenv(String text) throws IOException {
        Files.writeString(dir.resolve(".env"), text, StandardCharsets.UTF_8);
    }

    @Test
    void readsEntriesCommentsAndQuotes() throws IOException {
        dotenv("""
                # the chat's settings

                PORT=4100
                CLEANUP_CRON="0 3 * * *"
                PUBLIC_BASE_URL=https://chat.example.com
                """);
        assertThat(Environment.load(dir, Map.of())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PORT", "4100",
                "CLEANUP_CRON", "0 3 * * *",
                "PUBLIC_BASE_URL", "https://chat.example.com"));
    }

    @Test
    void realVariablesWin() throws IOException {
        dotenv("PORT=4100\nMESSAGE_TTL_HOURS=12\n");
        Map<String, String> merged = Environment.load(dir, Map.of("PORT", "4200", "LOG_FORMAT", "json"));
        assertThat(merged).containsEntry("PORT", "4200").containsEntry("MESSAGE_TTL_HOURS", "12")
                .containsEntry("LOG_FORMAT", "json");
    }

    @Test
    void aMissingFileIsNoFile() {
        assertThat(Environment.load(dir, Map.of("PORT", "1"))).isEqualTo(Map.of("PORT", "1"));
    }

    @Test
    void aMalformedLineStopsWithTheFileButNotTheLinesText() throws IOException {
        dotenv("PORT=4000\nSESSION_SECRET hunter2-hunter2-hunter2-hunter2\n");
        assertThatThrownBy(() -> Environment.load(dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve(".env").toString())
                .hasMessageContaining("a line is not NAME=value")
                .hasMessageNotContaining("hunter2");
    }
}
