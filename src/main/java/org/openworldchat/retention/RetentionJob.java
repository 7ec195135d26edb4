package org.openworldchat.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.message.MessageExpiry;
import org.openworldchat.moderation.AuditLog;
import org.openworldchat.upload.ObjectStorage;
import org.openworldchat.upload.UploadService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One run of the retention job: deletes expired messages, then the images no remaining message
 * references, then guests inactive for 30 days (their usernames become free with their rows) and
 * guests stored without a username, and logs one line with what went. Every delete works in bounded batches, each its own short
 * transaction, so the chat keeps writing while it runs.
 */
public final class RetentionJob {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    /** An image is kept this long after its upload even when unattached: the uploader is about to send it. */
    static final Duration IMAGE_GRACE = UploadService.UNSENT_IMAGE_LIFETIME;
    static final Duration GUEST_INACTIVITY = Duration.ofDays(30);
    /** Slots older than this are never run again, so their rows in {@code retention_runs} can go. */
    static final Duration RUN_HISTORY = Duration.ofDays(30);

    // Deleting a message sets reply_to_message_id of its replies and uploads.message_id to null (foreign keys).
    private static final BatchedDelete EXPIRED_MESSAGES = new BatchedDelete("""
            DELETE FROM messages WHERE id IN (
                SELECT id FROM messages WHERE created_at <= :cutoff LIMIT :batch FOR UPDATE SKIP LOCKED)""");
    // A guest's guest_username_keys rows go with it (ON DELETE CASCADE), which frees its username.
    private static final BatchedDelete INACTIVE_GUESTS = new BatchedDelete("""
            DELETE FROM guest_users WHERE id IN (
                SELECT id FROM guest_users WHERE last_active_at <= :cutoff LIMIT :batch FOR UPDATE SKIP LOCKED)""");
    // A guest is stored at its first username; rows without one were written for mere readers by
    // earlier versions and hold nothing. "lower(username) IS NULL" is "username IS NULL" in a form
    // the unique index on lower(username) serves, so finding them reads no more than they are.
    private static final BatchedDelete NEVER_NAMED_GUESTS = new BatchedDelete("""
            DELETE FROM guest_users WHERE id IN (
                SELECT id FROM guest_users WHERE lower(username) IS NULL AND created_at <= :cutoff
                LIMIT :batch FOR UPDATE SKIP LOCKED)""");

    private static final BatchedDelete OLD_AUDIT_ENTRIES = new BatchedDelete("""
            DELETE FROM moderation_audit WHERE id IN (
                SELECT id FROM moderation_audit WHERE at <= :cutoff LIMIT :batch FOR UPDATE SKIP LOCKED)""");

    private final Jdbi jdbi;
    private final UnusedImages images;
    private final MessageExpiry expiry;
    private final Clock clock;
    private final String node;
    private final int batchSize;

    /** @param node names this server process in {@code retention_runs} */
    public RetentionJob(Jdbi jdbi, ObjectStorage storage, MessageExpiry expiry, Clock clock, String node) {
        this(jdbi, storage, expiry, clock, node, BatchedDelete.BATCH_SIZE);
    }

    /** @param batchSize the most rows one delete statement removes */
    RetentionJob(Jdbi jdbi, ObjectStorage storage, MessageExpiry expiry, Clock clock, String node, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1");
        }
        this.batchSize = batchSize;
        this.jdbi = jdbi;
        this.images = new UnusedImages(storage);
        this.expiry = expiry;
        this.clock = clock;
        this.node = node;
    }

    /**
     * Runs now, outside the schedule (tests, an operator): tied to no slot, yet never alongside
     * another run on any node. Empty when another run is in progress.
     */
    public Optional<RetentionReport> runOnce() {
        return run(Optional.empty());
    }

    /** Runs a scheduled slot; empty when another node has claimed it or another run is in progress. */
    public Optional<RetentionReport> runSlot(Instant scheduledFor) {
        return run(Optional.of(scheduledFor));
    }

    private Optional<RetentionReport> run(Optional<Instant> slot) {
        long started = System.nanoTime();
        // One connection for the whole run: it holds the session lock, and in autocommit mode
        // every statement on it is its own transaction.
        try (Handle handle = jdbi.open()) {
            RetentionRuns runs = new RetentionRuns(handle);
            if (!runs.tryLock()) {
                log.atDebug().addKeyValue("scheduledFor", slot.orElse(null))
                        .log("retention skipped: another run is in progress");
                return Optional.empty();
            }
            try {
                if (slot.isPresent() && !runs.claim(slot.get(), node, clock.instant())) {
                    log.atDebug().addKeyValue("scheduledFor", slot.get())
                            .log("retention skipped: the slot was run by another node");
                    return Optional.empty();
                }
                RetentionReport report = removeExpired(handle, started);
                slot.ifPresent(s -> runs.finish(s, clock.instant(), report));
                runs.forgetSlotsBefore(clock.instant().minus(RUN_HISTORY));
                logReport(slot, report);
                return Optional.of(report);
            } finally {
                unlock(runs);
            }
        }
    }

    private RetentionReport removeExpired(Handle handle, long startedNanos) {
        Instant now = clock.instant();
        BatchedDelete.Batches batches = new BatchedDelete.Batches();
        long messages = EXPIRED_MESSAGES.run(handle, expiry.cutoff(), batchSize, batches);
        long deletedImages = images.delete(handle, now.minus(IMAGE_GRACE), batchSize, batches);
        long guests = INACTIVE_GUESTS.run(handle, now.minus(GUEST_INACTIVITY), batchSize, batches)
                + NEVER_NAMED_GUESTS.run(handle, now, batchSize, batches);
        OLD_AUDIT_ENTRIES.run(handle, now.minus(AuditLog.KEPT), batchSize, batches);
        // Elapsed time is measured, not read from the injected clock, which tests hold still.
        return new RetentionReport(messages, deletedImages, guests, batches.count(), batches.largest(),
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private static void logReport(Optional<Instant> slot, RetentionReport report) {
        LoggingEventBuilder line = log.atInfo();
        slot.ifPresent(s -> line.addKeyValue("scheduledFor", s));
        line.addKeyValue("messages", report.messages())
                .addKeyValue("images", report.images())
                .addKeyValue("guests", report.guests())
                .addKeyValue("batches", report.batches())
                .addKeyValue("largestBatch", report.largestBatch())
                .addKeyValue("durationMs", report.duration().toMillis())
                .log("retention run finished");
    }

    /** A failed unlock means the connection is broken, and PostgreSQL drops a broken session's locks with it. */
    private static void unlock(RetentionRuns runs) {
        try {
            runs.unlock();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("retention lock not released explicitly");
        }
    }
}
