package org.openworldchat.retention;

import java.time.Instant;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Handle;

/**
 * A DELETE that removes at most one batch of rows per statement, run again until a statement finds
 * nothing. On an autocommit handle each statement is its own short transaction, so the rows it
 * locks are released within milliseconds while the chat keeps writing to the same table. The SQL
 * selects its batch with {@code FOR UPDATE SKIP LOCKED}: a row another transaction holds right now
 * (a reaction being toggled, a guest being touched) is left for the next run instead of waited for.
 */
record BatchedDelete(String sql) {

    static final int BATCH_SIZE = 1000;

    /**
     * Rows deleted; {@code cutoff} is bound as {@code :cutoff}, {@code batchSize} as {@code :batch}.
     * Every statement that removed rows is recorded in {@code batches}.
     */
    long run(Handle handle, Instant cutoff, int batchSize, Batches batches) {
        long total = 0;
        while (!Thread.currentThread().isInterrupted()) {
            int deleted = handle.createUpdate(sql)
                    .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                    .bind("batch", batchSize)
                    .execute();
            if (deleted == 0) {
                break;
            }
            batches.record(deleted);
            total += deleted;
        }
        return total;
    }

    /** The statements of one run that removed rows: how many, and the most rows one of them removed. */
    static final class Batches {

        private int count;
        private int largest;

        void record(int rows) {
            count++;
            largest = Math.max(largest, rows);
        }

        int count() {
            return count;
        }

        int largest() {
            return largest;
        }
    }
}
