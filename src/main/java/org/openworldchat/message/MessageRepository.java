package org.openworldchat.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads of {@code messages}. Every query hides expired messages; pages come back oldest first.
 * {@code reader} is the guest whose own reactions each message lists ({@code null}: nobody's).
 */
final class MessageRepository {

    private final Jdbi jdbi;
    private final MessageRows rows;
    private final MessageExpiry expiry;

    MessageRepository(Jdbi jdbi, MessageRows rows, MessageExpiry expiry) {
        this.jdbi = jdbi;
        this.rows = rows;
        this.expiry = expiry;
    }

    /** The newest {@code limit} unexpired messages, oldest first. */
    List<Message> newest(int limit, UUID reader) {
        return oldestFirst(jdbi.withHandle(h -> h.createQuery(MessageRows.SELECT + """
                        WHERE m.created_at > :cutoff ORDER BY m.seq DESC LIMIT :limit""")
                .bind("cutoff", MessageRows.utc(expiry.cutoff()))
                .bindByType("reader", reader, UUID.class)
                .bind("limit", limit)
                .map((rs, ctx) -> rows.map(rs))
                .list()));
    }

    /** Unexpired messages older than {@code seq}, the newest {@code limit} of them, oldest first. */
    List<Message> before(long seq, int limit, UUID reader) {
        return oldestFirst(jdbi.withHandle(h -> h.createQuery(MessageRows.SELECT + """
                        WHERE m.seq < :seq AND m.created_at > :cutoff ORDER BY m.seq DESC LIMIT :limit""")
                .bind("seq", seq)
                .bind("cutoff", MessageRows.utc(expiry.cutoff()))
                .bindByType("reader", reader, UUID.class)
                .bind("limit", limit)
                .map((rs, ctx) -> rows.map(rs))
                .list()));
    }

    /** Unexpired messages newer than {@code seq}, the oldest {@code limit} of them, oldest first. */
    List<Message> after(long seq, int limit, UUID reader) {
        return jdbi.withHandle(h -> h.createQuery(MessageRows.SELECT + """
                        WHERE m.seq > :seq AND m.created_at > :cutoff ORDER BY m.seq ASC LIMIT :limit""")
                .bind("seq", seq)
                .bind("cutoff", MessageRows.utc(expiry.cutoff()))
                .bindByType("reader", reader, UUID.class)
                .bind("limit", limit)
                .map((rs, ctx) -> rows.map(rs))
                .list());
    }

    /** The position of an unexpired message, or empty when it is unknown or expired. */
    OptionalLong seqOf(UUID id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT seq FROM messages WHERE id = :id AND created_at > :cutoff")
                .bind("id", id)
                .bind("cutoff", MessageRows.utc(expiry.cutoff()))
                .mapTo(Long.class)
                .findOne()
                .map(OptionalLong::of).orElse(OptionalLong.empty()));
    }

    /** An unexpired message. */
    Optional<Message> findActive(UUID id, UUID reader) {
        return jdbi.withHandle(h -> h.createQuery(MessageRows.SELECT + " WHERE m.id = :id AND m.created_at > :cutoff")
                .bind("id", id)
                .bind("cutoff", MessageRows.utc(expiry.cutoff()))
                .bindByType("reader", reader, UUID.class)
                .map((rs, ctx) -> rows.map(rs))
                .findOne());
    }

    private static List<Message> oldestFirst(List<Message> newestFirst) {
        List<Message> copy = new ArrayList<>(newestFirst);
        Collections.reverse(copy);
        return copy;
    }
}
