package org.openworldchat.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openworldchat.app.ConfigException;

/** CLEANUP_CRON: the next slot after a given time, in UTC, and a clear refusal of bad expressions. */
class RetentionScheduleTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T21:04:05.123Z"), ZoneId.of("UTC"));

    @Test
    void hourlyRunsAtTheTopOfTheNextHour() {
        RetentionSchedule hourly = RetentionSchedule.parse("0 * * * *");
        assertThat(hourly.nextAfter(CLOCK.instant())).isEqualTo("2026-11-24T22:00:00Z");
        assertThat(hourly.nextAfter(Instant.parse("2026-11-24T22:00:00Z"))).as("strictly after").isEqualTo("2026-11-24T23:00:00Z");
        assertThat(hourly.nextAfter(Instant.parse("2026-12-31T23:30:00Z"))).isEqualTo("2027-01-01T00:00:00Z");
    }

    @Test
    void everyQuarterOfAnHour() {
        RetentionSchedule quarterly = RetentionSchedule.parse("*/15 * * * *");
        assertThat(quarterly.nextAfter(CLOCK.instant())).isEqualTo("2026-11-24T21:15:00Z");
        assertThat(quarterly.nextAfter(Instant.parse("2026-11-24T21:15:00Z"))).isEqualTo("2026-11-24T21:30:00Z");
        assertThat(quarterly.nextAfter(Instant.parse("2026-11-24T21:59:59.999Z"))).isEqualTo("2026-11-24T22:00:00Z");
    }

    @Test
    void slotsAreInUtcWhateverTheClocksZone() {
        Clock paris = CLOCK.withZone(ZoneId.of("Europe/Paris"));
        assertThat(RetentionSchedule.parse("30 3 * * *").nextAfter(paris.instant())).isEqualTo("2026-11-25T03:30:00Z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"every hour", "61 * * * *", "0 * * * * *", "* * *", "0 0 30 2 *", "@hourly", ""})
    void aBadExpressionIsAConfigurationErrorNamingTheVariable(String expression) {
        assertThatThrownBy(() -> RetentionSchedule.parse(expression))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("CLEANUP_CRON: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
