package org.openworldchat.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openworldchat.support.MutableClock;

/** The scheduler's thread: it wakes at the slot the injected clock says is next, once per slot. */
class RetentionSchedulerTest {

    @Test
    void runsTheNextSlotOnTimeAndNeverTheSameSlotTwice() throws Exception {
        MutableClock clock = new MutableClock();
        Instant slot = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        clock.advance(Duration.between(clock.instant(), slot.minusMillis(300)));
        BlockingQueue<Instant> ran = new LinkedBlockingQueue<>();

        try (RetentionScheduler scheduler = new RetentionScheduler(RetentionSchedule.parse("* * * * *"), clock, ran::add)) {
            scheduler.start();
            assertThat(ran.poll(5, TimeUnit.SECONDS)).isEqualTo(slot);
            // The clock is held still, short of the slot that just ran: the next one is a minute later.
            assertThat(ran.poll(1, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void closeStopsASleepingSchedulerAtOnce() {
        MutableClock clock = new MutableClock();
        RetentionScheduler scheduler = new RetentionScheduler(RetentionSchedule.parse("0 0 1 1 *"), clock, slot -> {
            throw new AssertionError("not due");
        });
        scheduler.start();
        long started = System.nanoTime();
        scheduler.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
}
