package org.openworldchat.upload;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code uploads}. */
final class UploadRepository {

    private final Jdbi jdbi;

    UploadRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(String key, String url, UUID guestId, ImageType type, int size, int width, int height, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO uploads (key, url, guest_id, content_type, size_bytes, width, height, created_at)
                        VALUES (:key, :url, :guestId, :type, :size, :width, :height, :now)""")
                .bind("key", key)
                .bind("url", url)
                .bind("guestId", guestId)
                .bind("type", type.contentType())
                .bind("size", size)
                .bind("width", width)
                .bind("height", height)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .execute());
    }

    boolean isOwnedBy(String key, UUID guestId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT EXISTS (SELECT 1 FROM uploads WHERE key = :key AND guest_id = :guestId)")
                .bind("key", key)
                .bind("guestId", guestId)
                .mapTo(Boolean.class)
                .one());
    }

    /**
     * Whether the image may be served: an unexpired message shows it, or no message does yet and
     * it was uploaded after {@code unsentSince} (its uploader is about to send it). An image
     * whose messages have all expired is gone for clients at once, before the cleanup deletes it.
     */
    boolean isServable(String key, Instant messagesCreatedAfter, Instant unsentSince) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT EXISTS (SELECT 1 FROM uploads u WHERE u.key = :key AND (
                            EXISTS (SELECT 1 FROM messages m WHERE m.image_url = u.url AND m.created_at > :cutoff)
                            OR (u.created_at > :unsentSince
                                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.image_url = u.url))))""")
                .bind("key", key)
                .bind("cutoff", messagesCreatedAfter.atOffset(ZoneOffset.UTC))
                .bind("unsentSince", unsentSince.atOffset(ZoneOffset.UTC))
                .mapTo(Boolean.class)
                .one());
    }

    void attach(String key, UUID messageId) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE uploads SET message_id = :messageId WHERE key = :key AND message_id IS NULL")
                .bind("key", key)
                .bind("messageId", messageId)
                .execute());
    }
}
