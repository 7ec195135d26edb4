package org.openworldchat.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Defence in depth under every log line: whatever text reaches a message, a key-value pair or an
 * exception's message, the production formats write one line per event (plus the stack trace's
 * own lines) and no control character.
 */
class LogEscapingTest {

    private static final String HOSTILE = "a\nFORGED ERROR line\r\u001b[31mred\u0000\u007f\u009b\u2028end";

    @Test
    void textWritesEachEventOnOneLineWithItsControlCharactersEscaped() {
        String rendered = ProductionLogFormat.TEXT.render(List.of(event(HOSTILE, null)));
        assertThat(rendered.lines()).hasSize(1);
        String line = rendered.lines().findFirst().orElseThrow();
        assertThat(line).contains("a\\u000aFORGED ERROR line\\u000d\\u001b[31mred\\u0000\\u007f\\u009b\\u2028end");
        assertThat(line).contains(" path=a\\u000aFORGED");
        assertNoControlCharacters(rendered);
    }

    @Test
    void anExceptionsMessageCannotStartALineOfItsOwn() {
        String rendered = ProductionLogFormat.TEXT.render(List.of(event("failed", new IllegalStateException(HOSTILE,
                new IllegalArgumentException(HOSTILE)))));
        assertThat(rendered.lines()).noneMatch(line -> line.startsWith("FORGED"));
        assertThat(rendered).contains("IllegalStateException: a\\u000aFORGED").contains("IllegalArgumentException: a\\u000aFORGED");
        assertNoControlCharacters(rendered);
    }

    @Test
    void jsonEscapesTheSameWay() throws Exception {
        String rendered = ProductionLogFormat.JSON.render(List.of(event(HOSTILE, new IllegalStateException(HOSTILE))));
        assertThat(rendered.lines()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(rendered);
        assertThat(line.get("formattedMessage").asText()).startsWith("a\\u000aFORGED").doesNotContain("\n").doesNotContain("\u001b");
        assertThat(line.toString()).doesNotContain("\u001b").doesNotContain("\u009b");
        assertThat(line.at("/throwable/message").asText()).startsWith("a\\u000aFORGED");
        assertThat(line.get("kvpList").toString()).contains("a\\\\u000aFORGED");
        assertNoControlCharacters(rendered);
    }

    @Test
    void ordinaryTextIsWrittenAsItIs() {
        String text = "déjà vu 🔥 \"quoted\" back\\slash tab-free";
        String rendered = ProductionLogFormat.TEXT.render(List.of(event(text, null)));
        assertThat(rendered).contains(" - " + text + " path=" + text + "\n");
    }

    private static void assertNoControlCharacters(String rendered) {
        assertThat(rendered.chars().filter(c -> c != '\n' && c != '\t' && Character.getType(c) == Character.CONTROL))
                .isEmpty();
        assertThat(rendered).doesNotContain("\u2028");
    }

    private static ILoggingEvent event(String message, Throwable error) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingEvent event = new LoggingEvent(LogEscapingTest.class.getName(), context.getLogger("test"), Level.WARN,
                message, error, null);
        event.addKeyValuePair(new KeyValuePair("path", message));
        return event;
    }
}
