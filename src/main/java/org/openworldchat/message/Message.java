package org.openworldchat.message;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A chat message as clients see it. Nullable, as on the wire: {@code imageUrl},
 * {@code replyToMessageId}, {@code replyTo} (null when the parent is gone or expired) and
 * {@code clientMessageId}. {@code reactions} maps an emoji to guest ids, first reacted first.
 */
public record Message(
        UUID id,
        String content,
        String imageUrl,
        UUID senderId,
        String senderName,
        UUID replyToMessageId,
        ReplyPreview replyTo,
        Map<String, List<UUID>> reactions,
        Instant createdAt,
        Instant expiresAt,
        UUID clientMessageId) {

    /** The quoted parent of a reply: its first 140 characters. */
    public record ReplyPreview(UUID id, String senderName, String content, String imageUrl) {
    }

    public Message {
        // Keeps the stored order of the emojis: Map.copyOf would list them differently on every node.
        reactions = Collections.unmodifiableMap(new LinkedHashMap<>(reactions));
    }
}
