package org.openworldchat.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a reader is told of a message's reactions, small however many guests reacted: the exact
 * count of each emoji, at most its first {@value #LISTED_PER_EMOJI} guests (first reacted first),
 * and the emojis this reader reacted with. Emojis keep the order the database keeps them in.
 */
public record ReactionSummary(Map<String, List<UUID>> firstReactors, Map<String, Integer> counts, List<String> mine) {

    /** Guests listed per emoji in a message object; the reactors endpoint pages through the rest. */
    public static final int LISTED_PER_EMOJI = 10;

    public static final ReactionSummary NONE = new ReactionSummary(Map.of(), Map.of(), List.of());

    public ReactionSummary {
        // Keeps the stored order of the emojis: Map.copyOf would list them differently on every node.
        firstReactors = Collections.unmodifiableMap(new LinkedHashMap<>(firstReactors));
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        mine = List.copyOf(mine);
    }

    /** The same without the reader's own part: what is sent alike to every reader. */
    public ReactionSummary forEveryone() {
        return mine.isEmpty() ? this : new ReactionSummary(firstReactors, counts, List.of());
    }
}
