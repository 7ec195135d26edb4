package org.openworldchat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openworldchat.app.DatabaseUrl;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.MutableClock;
import org.openworldchat.support.TestApp;
import org.openworldchat.support.TestDatabases;

/**
 * The server restarts (same port, same database) while a page is open: the page says it lost
 * the connection, keeps what the user sends meanwhile, reconnects on its own, shows what others
 * sent while it was away, and delivers its own message exactly once.
 */
class WebReconnectTest {

    @BeforeAll
    static void needsChromium() {
        Browser.assumeAvailable();
        Browser.warmUp(1);
    }

    @Test
    void afterARestartThePageCatchesUpAndSendsWhatWaited() throws Exception {
        DatabaseUrl database = TestDatabases.create();
        MutableClock clock = new MutableClock();
        TestApp first = TestApp.start(database, clock, Map.of());
        int port = first.port();
        try (Browser page = Browser.open(first.baseUrl())) {
            page.chooseName("rita");
            page.send("before the restart");
            page.message("before the restart");

            first.close();
            page.await("the connection-lost banner", d -> page.find("#connection-banner").isDisplayed()
                    && page.find("#connection-banner").getText().contains("Reconnecting"));
            page.send("typed while the server was away");
            page.await("the message waiting in the outbox", d -> page.find("#outbox").getText()
                    .contains("typed while the server was away"));
            assertThat(page.find("#outbox .pending-status").getText()).isEqualTo("Waiting for the connection…");

            try (TestApp second = TestApp.start(database, clock, Map.of("PORT", String.valueOf(port)));
                 ChatClient other = second.writer("omar")) {
                JsonNode meanwhile = other.send("sent while the page was away");

                page.message("sent while the page was away");
                page.message("typed while the server was away");
                page.await("the outbox to empty", d -> page.findAll("#outbox li").isEmpty());
                page.await("the banner to say so", d -> page.find("#connection-banner").getText().equals("Back online."));
                for (String text : new String[] {"before the restart", "sent while the page was away",
                        "typed while the server was away"}) {
                    assertThat(page.count(text)).as("shown once: %s", text).isEqualTo(1);
                }
                assertThat(stored(second, "typed while the server was away")).isEqualTo(1);
                long atOther = other.drain("NEW_MESSAGE", Duration.ofMillis(500)).stream()
                        .filter(m -> m.get("content").asText().equals("typed while the server was away"))
                        .count();
                assertThat(atOther).as("broadcast once").isEqualTo(1);
                assertThat(meanwhile.get("id").asText()).isNotEmpty();
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
