package org.openworldchat.reaction;

import java.util.UUID;

/** One applied toggle: the guest's reaction with {@code emoji} was added, or removed. */
public record ReactionChange(String emoji, UUID guestId, boolean added) {
}
