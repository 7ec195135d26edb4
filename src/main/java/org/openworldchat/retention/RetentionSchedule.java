package org.openworldchat.retention;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.openworldchat.app.ConfigException;

/**
 * When the retention job runs: {@code CLEANUP_CRON}, a 5-field Unix cron expression (minute, hour,
 * day of month, month, day of week). It is read in UTC so that every node, whatever its time
 * zone, arrives at the same slots: a slot is what the cluster agrees to run once.
 */
public final class RetentionSchedule {

    static final String VARIABLE = "CLEANUP_CRON";

    private final String expression;
    private final ExecutionTime times;

    private RetentionSchedule(String expression, ExecutionTime times) {
        this.expression = expression;
        this.times = times;
    }

    /** The schedule, or a {@link ConfigException} naming {@code CLEANUP_CRON} (at start, before anything runs). */
    public static RetentionSchedule parse(String expression) {
        Cron cron;
        try {
            cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)).parse(expression).validate();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(VARIABLE, "'" + expression + "' is not a 5-field cron expression "
                    + "(minute hour day-of-month month day-of-week): " + e.getMessage());
        }
        ExecutionTime times = ExecutionTime.forCron(cron);
        // Every expression that matches at all matches again within a few years (there is no year
        // field), so one that has no time after the epoch, such as 30 February, never runs.
        if (next(times, Instant.EPOCH).isEmpty()) {
            throw new ConfigException(VARIABLE, "'" + expression + "' never matches a date");
        }
        return new RetentionSchedule(expression, times);
    }

    /** The first slot strictly after {@code instant}. */
    Instant nextAfter(Instant instant) {
        return next(times, instant).orElseThrow(() -> new IllegalStateException(
                "'" + expression + "' has no time after " + instant));
    }

    private static Optional<Instant> next(ExecutionTime times, Instant instant) {
        return times.nextExecution(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC)).map(ZonedDateTime::toInstant);
    }

    @Override
    public String toString() {
        return expression;
    }
}
