package org.openworldchat.retention;

import java.time.Duration;

/**
 * What one retention run removed, and how long it took. {@code batches} counts the delete
 * statements that removed rows (messages, image rows and guests together), {@code largestBatch}
 * the most rows one of them removed: never more than the job's batch size.
 */
public record RetentionReport(long messages, long images, long guests, int batches, int largestBatch,
                              Duration duration) {
}
