package org.openworldchat.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/**
 * The server restarts (same port, same database) while a page is open: the page says it lost
 * the connection, keeps what the user sends meanwhile, reconnects on its own, shows everything
 * others sent while it was away (more than a join without {@code since} returns) and the
 * reactions they changed meanwhile, and delivers its own message exactly once.
 */
class WebReconnectTest {

    @BeforeAll
    static void needsChromium() {
        Browser.assumeAvailable();
        Browser.warmUp(1);
    }

    /** More than the newest 50 that a JOIN_CHAT without {@code since} returns. */
    private static final int SENT_WHILE_AWAY = 70;

    @Test
    void afterARestartThePageCatchesUpAndSendsWhatWaited() throws Exception {
        DatabaseUrl database = TestDatabases.create();
        MutableClock clock = new MutableClock();
        TestApp first = TestApp.start(database, clock, Map.of());
        int port = first.port();
        try (Browser page = Browser.open(first.baseUrl())) {
            page.chooseName("rita");
            // The page resumes from the first of these two (the newest but a few seconds), so the
            // second comes back in the JOIN_CHAT ack and the first only in the page before it.
            page.send("before the restart");
            String before = page.message("before the restart").getDomAttribute("data-id");
            page.send("also before the restart");
            String alsoBefore = page.message("also before the restart").getDomAttribute("data-id");

            first.close();
            page.await("the connection-lost banner", d -> page.find("#connection-banner").isDisplayed()
                    && page.find("#connection-banner").getText().contains("Reconnecting"));
            page.send("typed while the server was away");
            page.await("the message waiting in the outbox", d -> page.find("#outbox").getText()
                    .contains("typed while the server was away"));
            assertThat(page.find("#outbox .pending-status").getText()).isEqualTo("Waiting for the connection…");

            // Others go on chatting on a server the page does not know (another port), so all of it
            // happens while the page is away, however soon it would reconnect. TestApp's message
            // limit lets one writer send them at once.
            List<String> meanwhile = IntStream.rangeClosed(1, SENT_WHILE_AWAY)
                    .mapToObj(i -> "sent while the page was away " + i).toList();
            try (TestApp elsewhere = TestApp.start(database, clock, Map.of());
                 ChatClient omar = elsewhere.writer("omar")) {
                for (String text : meanwhile) {
                    omar.send(text);
                }
                ChatClient.ok(omar.emit("SEND_REACTION", Map.of("messageId", before, "emoji", "👍")));
                ChatClient.ok(omar.emit("SEND_REACTION", Map.of("messageId", alsoBefore, "emoji", "🎉")));
            }
            assertThat(page.count(meanwhile.get(0))).as("the page was away").isZero();
            assertThat(page.find("body").getDomAttribute("data-connection")).isNotEqualTo("live");

            try (TestApp second = TestApp.start(database, clock, Map.of("PORT", String.valueOf(port)));
                 ChatClient other = second.client()) {
                other.join();

                page.message("typed while the server was away");
                page.await("the outbox to empty", d -> page.findAll("#outbox li").isEmpty());
                page.await("the banner to say so", d -> page.find("#connection-banner").getText().equals("Back online."));
                List<String> expected = new ArrayList<>(List.of("before the restart", "also before the restart"));
                expected.addAll(meanwhile);
                expected.add("typed while the server was away");
                assertThat(page.texts()).as("every message once, in order: the page resumed with since")
                        .containsExactlyElementsOf(expected);

                assertThat(page.chip("before the restart", "👍", "1").getDomAttribute("aria-pressed"))
                        .as("a reaction made while the page was away, to a message before the resume point")
                        .isEqualTo("false");
                assertThat(page.chip("also before the restart", "🎉", "1").getDomAttribute("aria-pressed"))
                        .as("a reaction made while the page was away, to a message in the JOIN_CHAT ack")
                        .isEqualTo("false");

                assertThat(stored(second, "typed while the server was away")).isEqualTo(1);
                long atOther = other.drain("NEW_MESSAGE", Duration.ofMillis(500)).stream()
                        .filter(m -> m.get("content").asText().equals("typed while the server was away"))
                        .count();
                assertThat(atOther).as("broadcast once").isEqualTo(1);
                assertThat(page.errors()).isEmpty();
            }
        } finally {
            first.close();
            TestDatabases.drop(database);
        }
    }

    /**
     * While the page is away, 500 messages of 2,000 emojis are stored: over 4 MiB, more than one
     * answer may hold. The page catches up answer by answer (JOIN_CHAT {since} while hasMore)
     * instead of being cut off by its own catch-up, and shows every one of them.
     */
    @Test
    void afterARestartThePageCatchesUpOnMoreThanOneAnswerCanHold() throws Exception {
        DatabaseUrl database = TestDatabases.create();
        MutableClock clock = new MutableClock();
        TestApp first = TestApp.start(database, clock, Map.of());
        int port = first.port();
        try (Browser page = Browser.open(first.baseUrl())) {
            try (ChatClient writer = first.writer("before_the_flood")) {
                writer.send("before the flood");
            }
            page.awaitLive().message("before the flood");
            first.close();
            page.await("the connection-lost banner", d -> page.find("#connection-banner").getText().contains("Reconnecting"));
            try (Connection sql = TestDatabases.connect(database); PreparedStatement insert = sql.prepareStatement("""
                        INSERT INTO messages (id, content, sender_id, sender_name, created_at)
                        SELECT gen_random_uuid(), ?, gen_random_uuid(), 'flood', ?
                        FROM generate_series(1, 500) g ORDER BY g""")) {
                insert.setString(1, "😀".repeat(2000));
                insert.setObject(2, clock.instant().atOffset(java.time.ZoneOffset.UTC));
                insert.executeUpdate();
            }
            try (TestApp second = TestApp.start(database, clock, Map.of("PORT", String.valueOf(port)))) {
                page.await("every message of the flood", d -> Long.valueOf(501).equals(page.script(
                        "return document.querySelectorAll('#messages > li').length")));
                page.await("the page to be live", d -> "live".equals(page.find("body").getDomAttribute("data-connection")));
                assertThat(page.count("before the flood")).isEqualTo(1);
                assertThat(page.errors()).isEmpty();
            }
        } finally {
            first.close();
            TestDatabases.drop(database);
        }
    }

    private static int stored(TestApp app, String content) throws Exception {
        try (Connection sql = app.sql();
             PreparedStatement count = sql.prepareStatement("SELECT count(*) FROM messages WHERE content = ?")) {
            count.setString(1, content);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
