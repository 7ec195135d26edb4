package org.openworldchat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The coalesced announcements of {@link PresenceService}, on the in-memory store. */
class PresenceServiceTest {

    private static final Duration TICK = Duration.ofMillis(400);

    @Test
    void aSocketToldOtherCountsHearsTheCurrentOnesEvenWhenTheyAreBackToTheLastAnnounced() throws Exception {
        InMemoryPresence store = new InMemoryPresence();
        LinkedBlockingQueue<Presence.Counts> announced = new LinkedBlockingQueue<>();
        PresenceService service = new PresenceService(store, announced::add, TICK);
        try {
            UUID writer = UUID.randomUUID();
            service.join("writer", writer, true);
            service.join("lurker", UUID.randomUUID(), false);
            assertThat(lastAnnounced(announced)).isEqualTo(new Presence.Counts(1, 2));
            // Within one tick: both leave, a newcomer joins and is told 0/1 in its answer, and the
            // writer comes back. The counts are where they were last announced, 1/2, but the
            // newcomer heard 0/1.
            service.leave("writer");
            service.leave("lurker");
            service.join("newcomer", UUID.randomUUID(), false);
            Presence.Counts told = service.countsToTell();
            service.join("writer", writer, true);
            assertThat(told).isEqualTo(new Presence.Counts(0, 1));
            assertThat(announced.poll(2, TimeUnit.SECONDS)).as("announced again for the newcomer")
                    .isEqualTo(new Presence.Counts(1, 2));
        } finally {
            service.close();
        }
    }

    /** Waits for the announcements to settle and returns the last one. */
    private static Presence.Counts lastAnnounced(LinkedBlockingQueue<Presence.Counts> announced) throws InterruptedException {
        Presence.Counts last = announced.poll(2, TimeUnit.SECONDS);
        for (Presence.Counts next; (next = announced.poll(3 * TICK.toMillis(), TimeUnit.MILLISECONDS)) != null; ) {
            last = next;
        }
        return last;
    }

    @Test
    void unchangedCountsAreNotAnnouncedAgain() throws Exception {
        InMemoryPresence store = new InMemoryPresence();
        LinkedBlockingQueue<Presence.Counts> announced = new LinkedBlockingQueue<>();
        PresenceService service = new PresenceService(store, announced::add, TICK);
        try {
            service.join("tab", UUID.randomUUID(), true);
            assertThat(announced.poll(2, TimeUnit.SECONDS)).isEqualTo(new Presence.Counts(1, 1));
            assertThat(service.countsToTell()).isEqualTo(new Presence.Counts(1, 1));
            assertThat(announced.poll(3 * TICK.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        } finally {
            service.close();
        }
    }
}
