package org.openworldchat.message;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** Maps {@code messages} rows (joined with their reply parent) to {@link Message}. */
final class MessageRows {

    /**
     * Columns every message query selects; {@code p} is the unexpired reply parent, if any. Of
     * the reactions only the bounded columns kept beside {@code m.reactions} are read, and the
     * emojis of the reader ({@code :reader}, null for none) come from the reactors' index, so a
     * message with thousands of reactors costs no more to read than one without.
     */
    static final String SELECT = """
            SELECT m.id, m.seq, m.content, m.image_url, m.sender_id, m.sender_name, m.reply_to_message_id,
                   m.reaction_sample::text AS reaction_sample, m.reaction_counts::text AS reaction_counts,
                   ARRAY(SELECT r.emoji FROM message_reactors r
                         WHERE r.message_id = m.id AND r.guest_id = CAST(:reader AS uuid)
                         ORDER BY octet_length(r.emoji), r.emoji COLLATE "C") AS my_reactions,
                   m.client_message_id, m.created_at,
                   p.id AS parent_id, p.sender_name AS parent_sender_name,
                   left(p.content, 140) AS parent_content, p.image_url AS parent_image_url
            FROM messages m
            LEFT JOIN messages p ON p.id = m.reply_to_message_id AND p.created_at > :cutoff
            """;

    private final MessageExpiry expiry;

    MessageRows(MessageExpiry expiry) {
        this.expiry = expiry;
    }

    Message map(ResultSet rs) throws SQLException {
        UUID parentId = rs.getObject("parent_id", UUID.class);
        Message.ReplyPreview preview = parentId == null ? null : new Message.ReplyPreview(parentId,
                rs.getString("parent_sender_name"), rs.getString("parent_content"), rs.getString("parent_image_url"));
        Instant createdAt = instant(rs, "created_at");
        return new Message(
                rs.getObject("id", UUID.class),
                rs.getString("content"),
                rs.getString("image_url"),
                rs.getObject("sender_id", UUID.class),
                rs.getString("sender_name"),
                rs.getObject("reply_to_message_id", UUID.class),
                preview,
                reactions(rs),
                createdAt,
                expiry.expiresAt(createdAt),
                rs.getObject("client_message_id", UUID.class));
    }

    /** Emojis in the order jsonb keeps keys (shorter UTF-8 first, then bytewise), the reader's own too. */
    private static ReactionSummary reactions(ResultSet rs) throws SQLException {
        String[] mine = (String[]) rs.getArray("my_reactions").getArray();
        return new ReactionSummary(StoredReactions.parse(rs.getString("reaction_sample")),
                StoredReactions.parseCounts(rs.getString("reaction_counts")), List.of(mine));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
