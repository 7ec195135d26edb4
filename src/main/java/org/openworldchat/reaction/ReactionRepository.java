package org.openworldchat.reaction;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Toggles on {@code messages.reactions} (JSONB: emoji → guest ids, first reacted first). One
 * UPDATE per toggle: the row lock serializes concurrent toggles and each one is re-evaluated
 * against the row as the previous one left it, so no update is lost. Statements run on the
 * caller's handle, inside the batch's transaction.
 */
final class ReactionRepository {

    private ReactionRepository() {
    }

    /**
     * Adds the guest to the emoji's list, or removes it when present (dropping an emptied emoji).
     * Empty when the message is unknown or expired, or when a new emoji would exceed {@code maxEmojis}.
     */
    static Optional<String> toggle(Handle h, UUID messageId, String emoji, UUID guestId, Instant cutoff, int maxEmojis) {
        return h.createQuery("""
                        UPDATE messages SET reactions = CASE
                            WHEN jsonb_exists(reactions -> CAST(:emoji AS text), CAST(:guest AS text)) THEN
                                CASE WHEN jsonb_array_length(reactions -> CAST(:emoji AS text)) = 1
                                     THEN reactions - CAST(:emoji AS text)
                                     ELSE jsonb_set(reactions, ARRAY[CAST(:emoji AS text)],
                                                    (reactions -> CAST(:emoji AS text)) - CAST(:guest AS text)) END
                            ELSE jsonb_set(reactions, ARRAY[CAST(:emoji AS text)],
                                           coalesce(reactions -> CAST(:emoji AS text), '[]'::jsonb)
                                               || to_jsonb(CAST(:guest AS text)))
                            END
                        WHERE id = :id AND created_at > :cutoff
                          AND (jsonb_exists(reactions, CAST(:emoji AS text))
                               OR (SELECT count(*) FROM jsonb_object_keys(reactions)) < :maxEmojis)
                        RETURNING reactions::text""")
                .bind("id", messageId)
                .bind("emoji", emoji)
                .bind("guest", guestId.toString())
                .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                .bind("maxEmojis", maxEmojis)
                .mapTo(String.class)
                .findOne();
    }

    static boolean exists(Handle h, UUID messageId, Instant cutoff) {
        return h.createQuery(
                        "SELECT EXISTS (SELECT 1 FROM messages WHERE id = :id AND created_at > :cutoff)")
                .bind("id", messageId)
                .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                .mapTo(Boolean.class)
                .one();
    }
}
