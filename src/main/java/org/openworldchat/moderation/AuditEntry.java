package org.openworldchat.moderation;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One moderation action as the audit log keeps it: when, by whom, what, on which ids, and the
 * moderator's reason. Never message text, and never a client address or its hash.
 */
public record AuditEntry(UUID id, Instant at, String moderator, AuditAction action, Optional<UUID> messageId,
                         Optional<UUID> guestId, Optional<UUID> targetId, Optional<String> reason) {
}
