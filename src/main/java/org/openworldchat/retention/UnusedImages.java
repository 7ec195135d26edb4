package org.openworldchat.retention;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.openworldchat.upload.ObjectStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes uploaded images that no message references any more (their messages expired, or they
 * were never attached), once they are old enough that the uploader had time to send them. The
 * object goes first and the {@code uploads} row after it: an object whose delete failed keeps its
 * row, so the next run finds it again, and no object is ever left without a row that names it.
 */
final class UnusedImages {

    private static final Logger log = LoggerFactory.getLogger(UnusedImages.class);

    /** After this many failed deletes in a row the store is taken to be down; the rest waits for the next run. */
    static final int MAX_FAILURES_IN_A_ROW = 10;

    private final ObjectStorage storage;

    UnusedImages(ObjectStorage storage) {
        this.storage = storage;
    }

    /**
     * Images deleted (object and row) among those uploaded at or before {@code uploadedBefore},
     * looked at {@code batchSize} at a time; each statement that removed rows is recorded in {@code batches}.
     */
    long delete(Handle handle, Instant uploadedBefore, int batchSize, BatchedDelete.Batches batches) {
        long deleted = 0;
        int failed = 0;
        int failuresInARow = 0;
        String firstError = null;
        // Walking the keys in order visits each candidate once per run, so a key whose object
        // cannot be deleted is not picked again and again.
        String after = "";
        while (!Thread.currentThread().isInterrupted() && failuresInARow < MAX_FAILURES_IN_A_ROW) {
            List<String> keys = candidates(handle, uploadedBefore, after, batchSize);
            if (keys.isEmpty()) {
                break;
            }
            after = keys.getLast();
            List<String> gone = new ArrayList<>(keys.size());
            for (String key : keys) {
                if (failuresInARow >= MAX_FAILURES_IN_A_ROW) {
                    break;
                }
                try {
                    storage.delete(key);
                    gone.add(key);
                    failuresInARow = 0;
                } catch (IOException | RuntimeException e) {
                    failed++;
                    failuresInARow++;
                    firstError = firstError == null ? e.toString() : firstError;
                    log.atDebug().addKeyValue("key", key).setCause(e).log("image not deleted");
                }
            }
            int forgotten = forget(handle, gone);
            if (forgotten > 0) {
                batches.record(forgotten);
            }
            deleted += forgotten;
        }
        if (failed > 0) {
            log.atWarn().addKeyValue("failed", failed).addKeyValue("storage", storage.describe())
                    .addKeyValue("gaveUp", failuresInARow >= MAX_FAILURES_IN_A_ROW).addKeyValue("firstError", firstError)
                    .log("images not deleted; their rows are kept for the next run");
        }
        return deleted;
    }

    /** Old enough and referenced by no message (the index on {@code messages.image_url} answers that). */
    private static List<String> candidates(Handle handle, Instant uploadedBefore, String after, int batchSize) {
        return handle.createQuery("""
                        SELECT u.key FROM uploads u
                        WHERE u.created_at <= :before AND u.key > :after
                          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.image_url = u.url)
                        ORDER BY u.key
                        LIMIT :batch""")
                .bind("before", uploadedBefore.atOffset(ZoneOffset.UTC))
                .bind("after", after)
                .bind("batch", batchSize)
                .mapTo(String.class)
                .list();
    }

    private static int forget(Handle handle, List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        return handle.createUpdate("DELETE FROM uploads WHERE key = ANY(:keys)")
                .bindArray("keys", String.class, keys)
                .execute();
    }
}
