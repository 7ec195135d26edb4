package org.openworldchat.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openworldchat.support.ChatClient;
import org.openworldchat.support.TestApp;

class SetUsernameTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void setsATrimmedComposedName() {
        try (ChatClient c = app.client()) {
            JsonNode ack = ChatClient.ok(c.emit("SET_USERNAME", Map.of("username", "\u00a0 Rene\u0301 \u202f")));
            assertThat(ack.get("username").asText()).isEqualTo("René");
            assertThat(c.join().get("username").asText()).isEqualTo("René");
        }
    }

    @Test
    void refusesInvalidNamesAndPayloads() {
        try (ChatClient c = app.client()) {
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", "x")))).isEqualTo("INVALID_USERNAME");
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", "a".repeat(25))))).isEqualTo("INVALID_USERNAME");
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", "bad  gap")))).isEqualTo("INVALID_USERNAME");
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", "<script>")))).isEqualTo("INVALID_USERNAME");
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", 42)))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", Map.of("nested", "x"))))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of()))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", null))).isEqualTo("INVALID_PAYLOAD");
            assertThat(ChatClient.errorCode(c.emitArgs("SET_USERNAME", Map.of("username", "okname"), Map.of("x", 1)))).isEqualTo("INVALID_PAYLOAD");
        }
    }

    @Test
    void namesAreUniqueIgnoringCaseAndConfusables() {
        try (ChatClient owner = app.client(); ChatClient other = app.client()) {
            owner.setUsername("Marta");
            assertThat(ChatClient.errorCode(other.emit("SET_USERNAME", Map.of("username", "marta")))).isEqualTo("USERNAME_TAKEN");
            assertThat(ChatClient.errorCode(other.emit("SET_USERNAME", Map.of("username", "MARTA")))).isEqualTo("USERNAME_TAKEN");
            assertThat(ChatClient.errorCode(other.emit("SET_USERNAME", Map.of("username", "M\u0430rta")))).as("Cyrillic a").isEqualTo("USERNAME_TAKEN");
            owner.setUsername("Ilse");
            assertThat(ChatClient.errorCode(other.emit("SET_USERNAME", Map.of("username", "llse")))).as("l for I").isEqualTo("USERNAME_TAKEN");
            // Marta was released when the owner renamed itself.
            other.setUsername("marta");
        }
    }

    @Test
    void aGuestMayReSetItsOwnNameAndOldMessagesKeepTheirSender() {
        try (ChatClient c = app.writer("Olga")) {
            c.setUsername("olga");
            JsonNode first = c.send("before rename");
            c.setUsername("Olga Renamed");
            JsonNode second = c.send("after rename");
            assertThat(first.get("senderName").asText()).isEqualTo("olga");
            assertThat(second.get("senderName").asText()).isEqualTo("Olga Renamed");
            JsonNode history = c.join().get("messages");
            JsonNode stored = null;
            for (JsonNode m : history) {
                if (m.get("id").equals(first.get("id"))) {
                    stored = m;
                }
            }
            assertThat(stored).isNotNull();
            assertThat(stored.get("senderName").asText()).isEqualTo("olga");
        }
    }

    @Test
    void simultaneousClaimsGiveTheNameToOneGuest() throws Exception {
        int n = 8;
        java.util.List<ChatClient> clients = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(app.client());
        }
        try {
            var results = clients.parallelStream()
                    .map(c -> c.emit("SET_USERNAME", Map.of("username", "Racer")))
                    .toList();
            assertThat(results.stream().filter(r -> r.get("ok").asBoolean()).count()).isEqualTo(1);
            assertThat(results.stream().filter(r -> !r.get("ok").asBoolean())
                    .map(r -> r.at("/error/code").asText())).containsOnly("USERNAME_TAKEN");
        } finally {
            clients.forEach(ChatClient::close);
        }
    }
    /** The look-alikes the security test got past the uniqueness check, with "mallory" taken. */
    @Test
    void compatibilityFormsOfATakenNameAreTaken() {
        try (ChatClient owner = app.client(); ChatClient other = app.client()) {
            owner.setUsername("mallory");
            for (String lookAlike : new String[]{"\uff4d\uff41\uff4c\uff4c\uff4f\uff52\uff59", "\uff2dallory", "mallo\uff52y"}) {
                assertThat(ChatClient.errorCode(other.emit("SET_USERNAME", Map.of("username", lookAlike))))
                        .as(lookAlike).isEqualTo("USERNAME_TAKEN");
            }
            // A compatibility form is stored as the plain name it stands for.
            assertThat(other.setUsername("\uff5a\uff4f\uff45_\uff11").get("username").asText()).isEqualTo("zoe_1");
        }
    }

    @Test
    void blankNamesAndStackedMarksAreRefused() {
        try (ChatClient c = app.client()) {
            for (String blank : new String[]{"\u3164\u3164", "\u115f\u115f", "\u1160\u1160", "\uffa0\uffa0", "\u2800\u2800",
                    "eve\u3164", "e\u200bve"}) {
                assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", blank))))
                        .as("U+%04X", blank.codePointAt(blank.length() - 1)).isEqualTo("INVALID_USERNAME");
            }
            String zalgo = "z" + "\u0301".repeat(22) + "ed";
            assertThat(ChatClient.errorCode(c.emit("SET_USERNAME", Map.of("username", zalgo)))).isEqualTo("INVALID_USERNAME");
            assertThat(c.join().get("username").isNull()).as("nothing was set").isTrue();
        }
    }
}
