package org.openworldchat.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the retention job at each slot of its schedule, on one daemon thread. The next slot is
 * computed from the injected clock and the thread sleeps until then; a run that lasts past the
 * next slot makes the job wait for the slot after (nothing is caught up: a later run removes what
 * a skipped one would have).
 */
public final class RetentionScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetentionScheduler.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final RetentionSchedule schedule;
    private final Clock clock;
    private final Consumer<Instant> runSlot;
    private final Thread thread;
    private volatile boolean closed;

    public RetentionScheduler(RetentionSchedule schedule, Clock clock, RetentionJob job) {
        this(schedule, clock, slot -> job.runSlot(slot));
    }

    RetentionScheduler(RetentionSchedule schedule, Clock clock, Consumer<Instant> runSlot) {
        this.schedule = schedule;
        this.clock = clock;
        this.runSlot = runSlot;
        this.thread = Thread.ofPlatform().name("retention").daemon().unstarted(this::loop);
    }

    public void start() {
        thread.start();
        log.atInfo().addKeyValue("cron", schedule).addKeyValue("next", schedule.nextAfter(clock.instant()))
                .log("retention scheduled");
    }

    private void loop() {
        Instant after = clock.instant();
        while (!closed) {
            Instant slot = schedule.nextAfter(after);
            try {
                Duration wait = Duration.between(clock.instant(), slot);
                if (wait.isPositive()) {
                    Thread.sleep(wait);
                }
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            try {
                runSlot.accept(slot);
            } catch (RuntimeException e) {
                log.atError().setCause(e).addKeyValue("scheduledFor", slot).log("retention run failed");
            }
            // Never the same slot twice, even when the clock has not reached it (a clock held still).
            Instant now = clock.instant();
            after = now.isAfter(slot) ? now : slot;
        }
    }

    /** Stops the thread: a sleeping one at once, a running job after its current batch. */
    @Override
    public void close() {
        closed = true;
        if (!thread.isAlive()) {
            return;
        }
        thread.interrupt();
        try {
            if (!thread.join(STOP_TIMEOUT)) {
                log.warn("retention run still going after {} s; stopping anyway", STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
