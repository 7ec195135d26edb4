package org.openworldchat.moderation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.metrics.ChatMetrics;

/** Every moderation action, kept {@link #KEPT} (the retention job deletes older entries), newest first. */
public final class AuditLog {

    public static final Duration KEPT = Duration.ofDays(90);
    public static final int MAX_PAGE = 200;

    private final AuditRepository repository;
    private final Clock clock;
    private final ChatMetrics metrics;

    public AuditLog(Jdbi jdbi, Clock clock, ChatMetrics metrics) {
        this.repository = new AuditRepository(jdbi);
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Records an action; {@code reason} is the moderator's, never shown to guests. */
    public AuditEntry record(Moderator by, AuditAction action, Optional<UUID> messageId, Optional<UUID> guestId,
                             Optional<UUID> targetId, Optional<String> reason) {
        AuditEntry entry = new AuditEntry(UUID.randomUUID(), clock.instant(), by.name(), action, messageId, guestId,
                targetId, reason);
        repository.insert(entry);
        metrics.moderationAction(action.wireName());
        return entry;
    }

    /** One page, newest first; {@code hasMore} when older entries follow its last. */
    public record Page(List<AuditEntry> entries, boolean hasMore) {
    }

    /** Entries older than {@code before} (the newest without it), newest first, at most {@code limit}. */
    public Page page(Optional<UUID> before, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "limit must be between 1 and " + MAX_PAGE);
        }
        List<AuditEntry> found = repository.page(before, limit + 1, clock.instant().minus(KEPT));
        return new Page(found.subList(0, Math.min(limit, found.size())), found.size() > limit);
    }
}
