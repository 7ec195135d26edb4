package org.openworldchat.retention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Handle;

/**
 * How the nodes sharing a database agree on who runs: a session-level advisory lock, held for
 * the whole run on the run's own connection, keeps two runs from overlapping; a row in
 * {@code retention_runs} per scheduled slot makes each slot run once across the cluster, not
 * once per node.
 */
final class RetentionRuns {

    static final long LOCK = 0x6f77635f726574L; // "owc_ret"

    private final Handle handle;

    RetentionRuns(Handle handle) {
        this.handle = handle;
    }

    /** True when this connection now holds the lock; false when another run holds it. Never waits. */
    boolean tryLock() {
        return handle.createQuery("SELECT pg_try_advisory_lock(:lock)").bind("lock", LOCK).mapTo(Boolean.class).one();
    }

    /**
     * Releases the lock. A session lock outlives transactions, so it must be released before the
     * connection goes back to the pool; if the connection is gone instead, PostgreSQL released it.
     */
    void unlock() {
        handle.createQuery("SELECT pg_advisory_unlock(:lock)").bind("lock", LOCK).mapTo(Boolean.class).one();
    }

    /** True when this node is the first to claim the slot; false when another node already ran (or runs) it. */
    boolean claim(Instant slot, String node, Instant now) {
        return handle.createUpdate("""
                        INSERT INTO retention_runs (scheduled_for, node, started_at)
                        VALUES (:slot, :node, :now)
                        ON CONFLICT (scheduled_for) DO NOTHING""")
                .bind("slot", utc(slot))
                .bind("node", node)
                .bind("now", utc(now))
                .execute() == 1;
    }

    void finish(Instant slot, Instant now, RetentionReport report) {
        handle.createUpdate("""
                        UPDATE retention_runs
                        SET finished_at = :now, messages = :messages, images = :images, guests = :guests
                        WHERE scheduled_for = :slot""")
                .bind("slot", utc(slot))
                .bind("now", utc(now))
                .bind("messages", report.messages())
                .bind("images", report.images())
                .bind("guests", report.guests())
                .execute();
    }

    /** Keeps the table small: it only has to remember slots that could still be claimed. */
    int forgetSlotsBefore(Instant cutoff) {
        return handle.createUpdate("DELETE FROM retention_runs WHERE scheduled_for < :cutoff")
                .bind("cutoff", utc(cutoff))
                .execute();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
