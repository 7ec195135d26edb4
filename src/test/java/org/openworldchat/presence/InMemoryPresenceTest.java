package org.openworldchat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class InMemoryPresenceTest {

    private final InMemoryPresence presence = new InMemoryPresence();

    @Test
    void countsGuestsNotSockets() {
        UUID lurker = UUID.randomUUID();
        UUID writer = UUID.randomUUID();
        presence.join("s1", lurker, false);
        presence.join("s2", writer, true);
        presence.join("s3", writer, true);
        presence.join("s3", writer, true);
        assertThat(presence.counts()).isEqualTo(new Presence.Counts(1, 2));
        presence.leave("s2");
        assertThat(presence.counts()).isEqualTo(new Presence.Counts(1, 2));
        presence.leave("s3");
        assertThat(presence.counts()).isEqualTo(new Presence.Counts(0, 1));
        presence.activate(lurker);
        assertThat(presence.counts()).isEqualTo(new Presence.Counts(1, 1));
        presence.leave("s1");
        presence.leave("unknown");
        assertThat(presence.counts()).isEqualTo(new Presence.Counts(0, 0));
    }

    @Test
    void activatingAGuestWithoutSocketsChangesNothing() {
        UUID ghost = UUID.randomUUID();
        presence.activate(ghost);
        presence.join("s1", ghost, false);
        assertThat(presence.counts()).as("activation before joining is not remembered").isEqualTo(new Presence.Counts(0, 1));
    }
}
