package org.openworldchat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Count announcements in a large room are spaced out, but never so far that counts go stale for a second. */
class AnnouncementSpacingTest {

    private static final Duration TICK = PresenceService.DEFAULT_INTERVAL;

    @Test
    void aSmallRoomHearsOfEveryChangeOnTheNextTick() {
        assertThat(PresenceService.spacing(0, TICK)).isEqualTo(TICK);
        assertThat(PresenceService.spacing(5_000, TICK)).isEqualTo(TICK);
    }

    @Test
    void aLargeRoomIsHeldToItsWriteBudget() {
        assertThat(PresenceService.spacing(16_000, TICK)).isEqualTo(Duration.ofMillis(400));
        assertThat(16_000 * 1000 / PresenceService.spacing(16_000, TICK).toMillis())
                .isEqualTo(PresenceService.WRITES_PER_SECOND);
    }

    @Test
    void noRoomWaitsLongerThanHalfASecond() {
        assertThat(PresenceService.spacing(20_000, TICK)).isEqualTo(Duration.ofMillis(500));
        assertThat(PresenceService.spacing(1_000_000, TICK)).isEqualTo(PresenceService.MAX_SPACING);
        assertThat(PresenceService.MAX_SPACING.plus(TICK)).isLessThan(Duration.ofSeconds(1));
    }
}
