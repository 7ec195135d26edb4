package org.openworldchat.reaction;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.openworldchat.message.StoredReactions;

/**
 * Reads and writes {@code messages.reactions} (JSONB: emoji → guest ids, first reacted first) for
 * a batch of toggles. The rows are locked first, so toggles from every node on the same message
 * are serialized by PostgreSQL and none is lost. Statements run on the caller's handle, inside the
 * batch's transaction.
 */
final class ReactionRepository {

    /** A locked message row: when it was written and its reactions as stored. */
    record LockedRow(Instant createdAt, String reactions) {
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

    /** Writes each message's new reactions, all in one statement. */
    static void store(Handle h, Map<UUID, Map<String, List<UUID>>> reactions) {
        List<UUID> ids = List.copyOf(reactions.keySet());
        List<String> json = ids.stream().map(id -> StoredReactions.format(reactions.get(id))).toList();
        h.createUpdate("""
                        UPDATE messages AS m SET reactions = CAST(v.reactions AS jsonb)
                        FROM unnest(CAST(:ids AS uuid[]), CAST(:reactions AS text[])) AS v(id, reactions)
                        WHERE m.id = v.id""")
                .bindArray("ids", UUID.class, ids)
                .bindArray("reactions", String.class, json)
                .execute();
    }
}
