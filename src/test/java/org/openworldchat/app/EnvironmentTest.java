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

    private Path dotenv(String text) throws IOException {
        return Files.writeString(dir.resolve(".env"), text, StandardCharsets.UTF_8);
    }

    @Test
    void readsEntriesCommentsQuotesAndExport() throws IOException {
        Path file = dotenv("""
                # the chat's settings

                PORT=4100
                  CLEANUP_CRON = "0 3 * * *"   # nightly
                export COOKIE_SECURE=true
                SESSION_SECRET=abc#def # a '#' inside a value stays
                PUBLIC_BASE_URL='https://chat.example.com'
                CORS_ORIGINS=
                LOG_LEVEL=INFO\r
                LOG_LEVEL=DEBUG
                """);
        assertThat(Environment.parse(file)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PORT", "4100",
                "CLEANUP_CRON", "0 3 * * *",
                "COOKIE_SECURE", "true",
                "SESSION_SECRET", "abc#def",
                "PUBLIC_BASE_URL", "https://chat.example.com",
                "CORS_ORIGINS", "",
                "LOG_LEVEL", "DEBUG"));
    }

    @Test
    void realVariablesWin() throws IOException {
        Path file = dotenv("PORT=4100\nMESSAGE_TTL_HOURS=12\n");
        Map<String, String> merged = Environment.load(file, Map.of("PORT", "4200", "LOG_FORMAT", "json"));
        assertThat(merged).containsEntry("PORT", "4200").containsEntry("MESSAGE_TTL_HOURS", "12")
                .containsEntry("LOG_FORMAT", "json");
    }

    @Test
    void aMissingFileIsNoFile() {
        assertThat(Environment.load(dir.resolve(".env"), Map.of("PORT", "1"))).isEqualTo(Map.of("PORT", "1"));
    }

    @Test
    void aMalformedLineStopsWithTheFileAndTheLineButNotItsText() throws IOException {
        Path file = dotenv("PORT=4100\n# fine\nSESSION_SECRET hunter2-hunter2\nLOG_LEVEL=INFO\n");
        assertThatThrownBy(() -> Environment.parse(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": line 3: expected NAME=value")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void everyKindOfBrokenLineIsReported() throws IOException {
        Map<String, String> broken = Map.of(
                "A=1\nSESSION_SECRET=\"hunter2\n", "line 2: the value of SESSION_SECRET opens a quote (\") that does not close on that line",
                "A=1\n\nB='x' y\n", "line 3: text after the closing quote of B's value",
                "=value\n", "line 1: expected NAME=value",
                "1PORT=4000\n", "line 1: expected NAME=value",
                "DB.URL=x\n", "line 1: expected NAME=value",
                "just some words\n", "line 1: expected NAME=value");
        for (Map.Entry<String, String> c : broken.entrySet()) {
            Path file = dotenv(c.getKey());
            assertThatThrownBy(() -> Environment.parse(file)).as(c.getKey())
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(file + ": " + c.getValue())
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    void aFileThatIsNotUtf8Stops() throws IOException {
        Path file = Files.write(dir.resolve(".env"), new byte[]{'P', '=', (byte) 0xC3, '(', '\n'});
        assertThatThrownBy(() -> Environment.parse(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": not UTF-8 text");
    }

    @Test
    void aFileThatCannotBeReadStops() throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve(".env"));
        assertThatThrownBy(() -> Environment.parse(notAFile)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(notAFile + ": cannot read it: ");
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstName() throws IOException {
        assertThat(Environment.parse(dotenv("\uFEFFPORT=4100\n"))).isEqualTo(Map.of("PORT", "4100"));
    }
}
