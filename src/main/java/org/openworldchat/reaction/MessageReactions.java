package org.openworldchat.reaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One message's reactions while a batch of toggles is applied to its locked row: emoji → guest
 * ids, first reacted first. Emojis are kept in the order PostgreSQL's jsonb keeps object keys
 * (shorter UTF-8 first, then bytewise), so counts, acks and history list them alike.
 *
 * <p>It also remembers what the batch did: the changes in the order applied (for the room), and
 * which rows of {@code message_reactors} go and come, so that those are written as a difference
 * instead of rewritten whole.
 */
final class MessageReactions {

    static final Comparator<String> JSONB_KEY_ORDER = Comparator
            .comparing((String key) -> key.getBytes(StandardCharsets.UTF_8),
                    Comparator.comparingInt((byte[] b) -> b.length).thenComparing(Arrays::compareUnsigned));

    /** One guest's reaction with one emoji: a row of {@code message_reactors}. */
    record Reactor(String emoji, UUID guestId) {
    }

    enum Outcome { ADDED, REMOVED, REFUSED }

    private final TreeMap<String, SequencedSet<UUID>> byEmoji = new TreeMap<>(JSONB_KEY_ORDER);
    private final Map<String, Integer> countsBefore;
    private final List<ReactionChange> changes = new ArrayList<>();
    /** Reactors this batch toggled, and whether each was there before it. */
    private final Map<Reactor, Boolean> touched = new LinkedHashMap<>();
    /** When each reactor was last added by this batch (the order of {@link #changes}). */
    private final Map<Reactor, Integer> lastAdded = new HashMap<>();

    MessageReactions(Map<String, List<UUID>> stored) {
        stored.forEach((emoji, ids) -> {
            if (!ids.isEmpty()) {
                byEmoji.put(emoji, new LinkedHashSet<>(ids));
            }
        });
        countsBefore = counts();
    }

    /**
     * Adds the guest to the emoji's reactors, at the end, or removes it when present (dropping an
     * emptied emoji). Refused, and nothing changed, when the emoji is new and the message already
     * has {@code maxEmojis}.
     */
    Outcome toggle(String emoji, UUID guestId, int maxEmojis) {
        SequencedSet<UUID> ids = byEmoji.get(emoji);
        if (ids == null && byEmoji.size() >= maxEmojis) {
            return Outcome.REFUSED;
        }
        if (ids == null) {
            ids = new LinkedHashSet<>();
            byEmoji.put(emoji, ids);
        }
        Reactor reactor = new Reactor(emoji, guestId);
        boolean added = ids.add(guestId);
        touched.putIfAbsent(reactor, !added);
        if (added) {
            lastAdded.put(reactor, changes.size());
        } else {
            ids.remove(guestId);
            if (ids.isEmpty()) {
                byEmoji.remove(emoji);
            }
        }
        changes.add(new ReactionChange(emoji, guestId, added));
        return added ? Outcome.ADDED : Outcome.REMOVED;
    }

    /** The changes this batch applied, in order. */
    List<ReactionChange> changes() {
        return Collections.unmodifiableList(changes);
    }

    /** The counts before this batch. */
    Map<String, Integer> countsBefore() {
        return countsBefore;
    }

    /** Emoji → number of guests, now. */
    Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        byEmoji.forEach((emoji, ids) -> counts.put(emoji, ids.size()));
        return counts;
    }

    /** Emoji → its first {@code n} guests, now. */
    Map<String, List<UUID>> firstReactors(int n) {
        Map<String, List<UUID>> first = new LinkedHashMap<>();
        byEmoji.forEach((emoji, ids) -> first.put(emoji, ids.stream().limit(n).toList()));
        return first;
    }

    /** Every reactor, as {@code messages.reactions} stores them. */
    Map<String, ? extends Collection<UUID>> all() {
        return Collections.unmodifiableMap(byEmoji);
    }

    /**
     * Rows to delete: every reactor this batch touched that was there before it. One that is
     * there again was removed and added back, so it moved to the end and is inserted anew.
     */
    List<Reactor> rowsGone() {
        return touched.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    /** Rows to insert: every touched reactor that is there now, in the order they were last added. */
    List<Reactor> rowsNew() {
        return touched.keySet().stream()
                .filter(r -> byEmoji.containsKey(r.emoji()) && byEmoji.get(r.emoji()).contains(r.guestId()))
                .sorted(Comparator.comparingInt(lastAdded::get))
                .toList();
    }
}
