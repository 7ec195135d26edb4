package org.openworldchat.message;

import java.time.Instant;
import java.util.UUID;

/**
 * A chat message as clients see it. Nullable, as on the wire: {@code imageUrl},
 * {@code replyToMessageId}, {@code replyTo} (null when the parent is gone or expired) and
 * {@code clientMessageId}. {@code reactions} is what its reader is told of them (bounded).
 */
public record Message(
        UUID id,
        String content,
        String imageUrl,
        UUID senderId,
        String senderName,
        UUID replyToMessageId,
        ReplyPreview replyTo,
        ReactionSummary reactions,
        Instant createdAt,
        Instant expiresAt,
        UUID clientMessageId) {

    /** The quoted parent of a reply: its first 140 characters. */
    public record ReplyPreview(UUID id, String senderName, String content, String imageUrl) {
    }

    /** The message as every reader is sent it alike (a broadcast): without the reader's own reactions. */
    public Message forEveryone() {
        ReactionSummary shared = reactions.forEveryone();
        return shared == reactions ? this : new Message(id, content, imageUrl, senderId, senderName, replyToMessageId,
                replyTo, shared, createdAt, expiresAt, clientMessageId);
    }
}
