package org.openworldchat.reaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One message's reactions while a batch of toggles is applied to its locked row: emoji → guest
 * ids, first reacted first. Emojis are kept in the order PostgreSQL's jsonb keeps object keys
 * (shorter UTF-8 first, then bytewise), so what a toggle answers lists them as history will.
 */
final class MessageReactions {

    private static final Comparator<String> JSONB_KEY_ORDER = Comparator
            .comparing((String key) -> key.getBytes(StandardCharsets.UTF_8),
                    Comparator.comparingInt((byte[] b) -> b.length).thenComparing(Arrays::compareUnsigned));

    private final TreeMap<String, List<UUID>> byEmoji = new TreeMap<>(JSONB_KEY_ORDER);
    private int applied;

    MessageReactions(Map<String, List<UUID>> stored) {
        stored.forEach((emoji, ids) -> byEmoji.put(emoji, List.copyOf(ids)));
    }

    /**
     * Adds the guest to the emoji's list, or removes it when present (dropping an emptied emoji).
     * False, and nothing changed, when the emoji is new and the message already has {@code maxEmojis}.
     */
    boolean toggle(String emoji, UUID guestId, int maxEmojis) {
        List<UUID> ids = byEmoji.get(emoji);
        if (ids == null && byEmoji.size() >= maxEmojis) {
            return false;
        }
        List<UUID> next = ids == null ? new ArrayList<>(1) : new ArrayList<>(ids);
        if (!next.remove(guestId)) {
            next.add(guestId);
        }
        if (next.isEmpty()) {
            byEmoji.remove(emoji);
        } else {
            byEmoji.put(emoji, Collections.unmodifiableList(next));
        }
        applied++;
        return true;
    }

    /** How many toggles changed this message. */
    int applied() {
        return applied;
    }

    /** The reactions as they are now; later toggles do not change the returned map. */
    Map<String, List<UUID>> snapshot() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byEmoji));
    }
}
