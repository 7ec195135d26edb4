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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void readsSingleQuotesTrailingCommentsAndEmptyValues() throws IOException {
        dotenv("""
                SESSION_SECRET='a "quoted" secret # with a hash' # kept apart
                PUBLIC_BASE_URL = https://chat.example.com   # spaces around = and before the comment
                CORS_ORIGINS=
                REDIS_PREFIX=owc#2
                """);
        assertThat(Environment.load(dir, Map.of())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "SESSION_SECRET", "a \"quoted\" secret # with a hash",
                "PUBLIC_BASE_URL", "https://chat.example.com",
                "CORS_ORIGINS", "",
                "REDIS_PREFIX", "owc#2"));
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
                .hasMessageContaining("line 2 is not NAME=value")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anUnreadableFileStopsNamingTheFile() throws IOException {
        Files.createDirectory(dir.resolve(".env"));
        assertThatThrownBy(() -> Environment.load(dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve(".env") + ": cannot be read: Is a directory");
    }

    /** A line that is not exactly one NAME=value is refused, never skipped, nor joined to the lines after it. */
    @ParameterizedTest
    @ValueSource(strings = {
            "PORT=\"4002",                // an unclosed quote
            "PORT='4002",
            "PORT=\"40\"02",             // text after the closing quote
            "PORT=4002\"",                // a quote in an unquoted value
            "PORT=\"4002\"\"",
            "PORT",                        // no =
            "=4002",                       // no name
            "4PORT=4002",                  // not a variable name
            "export PORT=4002",
            "PORT=#4002"})                 // a comment where the value should be
    void aMalformedLineStopsNamingItsLineNumber(String line) throws IOException {
        dotenv("# settings\nLOG_LEVEL=INFO\n" + line + "\nSESSION_SECRET=hunter2-hunter2-hunter2-hunter2\n");
        assertThatThrownBy(() -> Environment.load(dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve(".env") + ": line 3 is not NAME=value")
                .hasMessageNotContaining("4002");
    }
}
