package org.openworldchat.moderation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code moderation_audit}. */
final class AuditRepository {

    private final Jdbi jdbi;

    AuditRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(AuditEntry e) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO moderation_audit (id, at, moderator, action, message_id, guest_id, target_id, reason)
                        VALUES (:id, :at, :moderator, :action, :messageId, :guestId, :targetId, :reason)""")
                .bind("id", e.id())
                .bind("at", e.at().atOffset(ZoneOffset.UTC))
                .bind("moderator", e.moderator())
                .bind("action", e.action().wireName())
                .bind("messageId", e.messageId().orElse(null))
                .bind("guestId", e.guestId().orElse(null))
                .bind("targetId", e.targetId().orElse(null))
                .bind("reason", e.reason().orElse(null))
                .execute());
    }

    /** Newest first; {@code before} is an entry's id (its time and id order the page). */
    List<AuditEntry> page(Optional<UUID> before, int limit, Instant keptSince) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, at, moderator, action, message_id, guest_id, target_id, reason FROM moderation_audit a
                        WHERE a.at > :kept
                          AND (CAST(:before AS uuid) IS NULL OR (a.at, a.id) < (
                              SELECT b.at, b.id FROM moderation_audit b WHERE b.id = CAST(:before AS uuid)))
                        ORDER BY a.at DESC, a.id DESC
                        LIMIT :limit""")
                .bind("kept", keptSince.atOffset(ZoneOffset.UTC))
                .bind("before", before.orElse(null))
                .bind("limit", limit)
                .map((rs, ctx) -> map(rs))
                .list());
    }

    private static AuditEntry map(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getObject("id", UUID.class), rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("moderator"), AuditAction.valueOf(rs.getString("action").toUpperCase(java.util.Locale.ROOT)),
                Optional.ofNullable(rs.getObject("message_id", UUID.class)),
                Optional.ofNullable(rs.getObject("guest_id", UUID.class)),
                Optional.ofNullable(rs.getObject("target_id", UUID.class)),
                Optional.ofNullable(rs.getString("reason")));
    }
}
