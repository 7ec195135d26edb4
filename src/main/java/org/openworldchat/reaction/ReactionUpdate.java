package org.openworldchat.reaction;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the room is told of a message's reactions: a few changes, in the order they were applied,
 * and the message's counts right after the last of them (emojis in the stored order).
 */
public record ReactionUpdate(UUID messageId, List<ReactionChange> changes, Map<String, Integer> counts) {

    public ReactionUpdate {
        changes = List.copyOf(changes);
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }
}
