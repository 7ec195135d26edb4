package org.openworldchat.reaction;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Reads and writes a message's reactions: {@code messages.reactions} (JSONB: emoji → every guest
 * id, first reacted first), the bounded columns kept beside it ({@code reaction_counts},
 * {@code reaction_sample}) and its rows in {@code message_reactors}. For a batch of toggles the
 * rows are locked first, so toggles from every node on the same message are serialized by
 * PostgreSQL and none is lost; those statements run on the caller's handle, inside the batch's
 * transaction.
 */
final class ReactionRepository {

    /** A locked message row: when it was written and its reactions as stored. */
    record LockedRow(Instant createdAt, String reactions) {
    }

    /** A message's reactions as a batch left them, as JSON for the three columns. */
    record Written(UUID messageId, String reactions, String counts, String sample) {
    }

    /** A row of {@code message_reactors}. */
    record Row(UUID messageId, MessageReactions.Reactor reactor) {
    }

    private ReactionRepository() {
    }

    /**
     * Locks the messages that exist among {@code ids} until the transaction ends. Rows are locked
     * in id order, so two batches locking overlapping messages cannot deadlock. {@code NO KEY}
     * leaves replies to these messages free to be inserted meanwhile (their foreign key check
     * takes a key-share lock).
     */
    static Map<UUID, LockedRow> lock(Handle h, Collection<UUID> ids) {
        return h.createQuery("""
                        SELECT id, created_at, reactions::text AS reactions FROM messages
                        WHERE id = ANY(:ids) ORDER BY id FOR NO KEY UPDATE""")
                .bindArray("ids", UUID.class, ids)
                .map((rs, ctx) -> Map.entry(rs.getObject("id", UUID.class), new LockedRow(
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("reactions"))))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Writes each message's reactions and the columns kept beside them, all in one statement. */
    static void store(Handle h, List<Written> messages) {
        h.createUpdate("""
                        UPDATE messages AS m SET reactions = CAST(v.reactions AS jsonb),
                               reaction_counts = CAST(v.counts AS jsonb), reaction_sample = CAST(v.sample AS jsonb)
                        FROM unnest(CAST(:ids AS uuid[]), CAST(:reactions AS text[]), CAST(:counts AS text[]),
                                    CAST(:samples AS text[])) AS v(id, reactions, counts, sample)
                        WHERE m.id = v.id""")
                .bindArray("ids", UUID.class, messages.stream().map(Written::messageId).toList())
                .bindArray("reactions", String.class, messages.stream().map(Written::reactions).toList())
                .bindArray("counts", String.class, messages.stream().map(Written::counts).toList())
                .bindArray("samples", String.class, messages.stream().map(Written::sample).toList())
                .execute();
    }

    /** Deletes these rows of {@code message_reactors}. */
    static void deleteRows(Handle h, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        h.createUpdate("""
                        DELETE FROM message_reactors AS r
                        USING unnest(CAST(:messages AS uuid[]), CAST(:guests AS uuid[]), CAST(:emojis AS text[]))
                              AS d(message_id, guest_id, emoji)
                        WHERE r.message_id = d.message_id AND r.guest_id = d.guest_id AND r.emoji = d.emoji""")
                .bindArray("messages", UUID.class, rows.stream().map(Row::messageId).toList())
                .bindArray("guests", UUID.class, rows.stream().map(r -> r.reactor().guestId()).toList())
                .bindArray("emojis", String.class, rows.stream().map(r -> r.reactor().emoji()).toList())
                .execute();
    }

    /** Inserts these rows of {@code message_reactors}; their {@code seq} follows the list's order. */
    static void insertRows(Handle h, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        h.createUpdate("""
                        INSERT INTO message_reactors (message_id, guest_id, emoji)
                        SELECT a.message_id, a.guest_id, a.emoji
                        FROM unnest(CAST(:messages AS uuid[]), CAST(:guests AS uuid[]), CAST(:emojis AS text[]))
                             WITH ORDINALITY AS a(message_id, guest_id, emoji, n)
                        ORDER BY a.n""")
                .bindArray("messages", UUID.class, rows.stream().map(Row::messageId).toList())
                .bindArray("guests", UUID.class, rows.stream().map(r -> r.reactor().guestId()).toList())
                .bindArray("emojis", String.class, rows.stream().map(r -> r.reactor().emoji()).toList())
                .execute();
    }

    /** Whether the message exists and was written after {@code cutoff} (is unexpired). */
    static boolean isActive(Handle h, UUID messageId, Instant cutoff) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM messages WHERE id = :id AND created_at > :cutoff)")
                .bind("id", messageId)
                .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                .mapTo(Boolean.class)
                .one();
    }

    /**
     * Up to {@code limit} guests who reacted with {@code emoji}, first reacted first, after the
     * guest {@code after} (from the first when null, or when that guest is no longer among them).
     */
    static List<UUID> reactors(Handle h, UUID messageId, String emoji, UUID after, int limit) {
        return h.createQuery("""
                        SELECT r.guest_id FROM message_reactors r
                        WHERE r.message_id = :id AND r.emoji = :emoji
                          AND r.seq > COALESCE((SELECT a.seq FROM message_reactors a
                                                WHERE a.message_id = :id AND a.guest_id = CAST(:after AS uuid)
                                                  AND a.emoji = :emoji), 0)
                        ORDER BY r.seq LIMIT :limit""")
                .bind("id", messageId)
                .bind("emoji", emoji)
                .bindByType("after", after, UUID.class)
                .bind("limit", limit)
                .mapTo(UUID.class)
                .list();
    }
}
