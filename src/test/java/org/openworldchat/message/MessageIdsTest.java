package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.MutableClock;

class MessageIdsTest {

    private final MutableClock clock = new MutableClock();
    private final MessageIds ids = new MessageIds(clock);

    @Test
    void areVersionSevenUuidsCarryingTheClocksMilliseconds() {
        UUID id = ids.next();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(clock.millis());
        assertThat(UUID.fromString(id.toString())).isEqualTo(id);
    }

    /** Ordered by time as PostgreSQL compares uuids (bytewise), so new rows append to the index. */
    @Test
    void laterIdsSortAfterEarlierOnes() {
        UUID earlier = ids.next();
        clock.advance(Duration.ofMillis(1));
        UUID later = ids.next();
        assertThat(Long.compareUnsigned(later.getMostSignificantBits(), earlier.getMostSignificantBits())).isPositive();
        assertThat(later.toString()).isGreaterThan(earlier.toString());
    }

    @Test
    void manyIdsInOneMillisecondAreAllDifferent() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            seen.add(ids.next());
        }
        assertThat(seen).hasSize(100_000);
    }
}
