package org.openworldchat.message;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Stores new messages. Asynchronous so that an implementation may group many concurrent sends
 * into one database round trip without its callers noticing.
 */
interface MessageWriter extends AutoCloseable {

    /**
     * A message to store; {@code createdAt} is decided by the writer, and so is the stored sender
     * name: the guest's current username, or {@code senderName} when the guest row is gone.
     */
    record NewMessage(UUID id, String content, String imageUrl, UUID senderId, String senderName,
                      UUID replyToMessageId, UUID clientMessageId) {
    }

    /**
     * What the database holds after the write: the new row ({@code created}), or the row an
     * earlier send with the same sender and {@code clientMessageId} stored. {@code senderName} is
     * the sender's username as stored with the row.
     */
    record Stored(UUID id, Instant createdAt, boolean created, String senderName) {
    }

    /**
     * Completes once the row is committed; completes exceptionally when nothing was stored.
     * {@code afterCommit} runs first, on the writer's own thread, for the messages of a batch in
     * the order of their {@code seq}; it must be quick and must not throw.
     */
    CompletableFuture<Stored> write(NewMessage message, java.util.function.Consumer<Stored> afterCommit);

    /** Stops taking writes and finishes those already queued. */
    @Override
    void close();
}
