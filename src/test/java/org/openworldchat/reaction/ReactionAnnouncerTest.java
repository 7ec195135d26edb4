package org.openworldchat.reaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The room hears of a busy message at most once per 100 ms, with at most 20 changes an event, in
 * the order applied, each event with the counts right after its changes; a quiet message is
 * announced at once.
 */
class ReactionAnnouncerTest {

    private record Heard(ReactionUpdate update, long atNanos) {
    }

    private final List<Heard> heard = new CopyOnWriteArrayList<>();

    private ReactionAnnouncer announcer() {
        return new ReactionAnnouncer(update -> heard.add(new Heard(update, System.nanoTime())));
    }

    /** {@code n} toggles of distinct guests on {@code emoji}, all adding. */
    private static List<ReactionChange> adds(String emoji, int n) {
        List<ReactionChange> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            changes.add(new ReactionChange(emoji, UUID.randomUUID(), true));
        }
        return changes;
    }

    private List<ReactionUpdate> of(UUID messageId) {
        return heard.stream().map(Heard::update).filter(u -> u.messageId().equals(messageId)).toList();
    }

    @Test
    void aBusyMessageIsAnnouncedInChunksOfTwentyATenthOfASecondApartInOrder() {
        UUID message = UUID.randomUUID();
        List<ReactionChange> all = new ArrayList<>();
        try (ReactionAnnouncer announcer = announcer()) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int batch = 0; batch < 5; batch++) {
                List<ReactionChange> changes = new ArrayList<>(adds("🔥", 15));
                // A guest of this batch takes its reaction back at once.
                changes.add(new ReactionChange("🔥", changes.get(3).guestId(), false));
                changes.addAll(adds("👍", 3));
                announcer.committed(new BatchingReactionWriter.Committed(message, Map.copyOf(counts), changes));
                all.addAll(changes);
                counts.merge("🔥", 14, Integer::sum);
                counts.merge("👍", 3, Integer::sum);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> of(message).stream().mapToInt(u -> u.changes().size()).sum()
                    == all.size());
        }
        List<ReactionUpdate> updates = of(message);
        assertThat(updates).hasSize((all.size() + 19) / 20);
        List<ReactionChange> announced = new ArrayList<>();
        Map<String, Integer> replay = new HashMap<>();
        for (ReactionUpdate update : updates) {
            assertThat(update.changes()).hasSizeBetween(1, ReactionAnnouncer.MAX_CHANGES);
            for (ReactionChange c : update.changes()) {
                announced.add(c);
                replay.merge(c.emoji(), c.added() ? 1 : -1, Integer::sum);
            }
            replay.values().removeIf(n -> n == 0);
            assertThat(update.counts()).as("the counts right after this event's changes").isEqualTo(replay);
        }
        assertThat(announced).as("every change, in the order applied").containsExactlyElementsOf(all);
        assertThat(List.copyOf(updates.getLast().counts().keySet())).as("emojis in the stored order")
                .containsExactly("👍", "🔥");
        List<Long> at = heard.stream().filter(h -> h.update().messageId().equals(message)).map(Heard::atNanos).toList();
        for (int i = 1; i < at.size(); i++) {
            assertThat(at.get(i) - at.get(i - 1)).as("spacing between events %d and %d", i - 1, i)
                    .isGreaterThanOrEqualTo(ReactionAnnouncer.SPACING.toNanos());
        }
    }

    @Test
    void aQuietMessageIsAnnouncedAtOnceAndMessagesDoNotWaitForEachOther() {
        UUID busy = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        try (ReactionAnnouncer announcer = announcer()) {
            announcer.committed(new BatchingReactionWriter.Committed(busy, Map.of(), adds("🔥", 60)));
            announcer.committed(new BatchingReactionWriter.Committed(other, Map.of("👍", 2), adds("👍", 1)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !of(other).isEmpty());
            assertThat(of(busy)).as("the other message was not held behind the busy one's spacing").hasSizeLessThan(3);
            assertThat(of(other).getFirst().counts()).isEqualTo(Map.of("👍", 3));
        }
    }

    /**
     * Changes arriving faster than twenty a tenth of a second: at most 200 wait, the oldest beyond
     * are left out of the announcements, and the counts stay exact.
     */
    @Test
    void aFloodKeepsTheLatestChangesAndExactCounts() {
        UUID message = UUID.randomUUID();
        List<ReactionChange> flood = adds("🎉", 1_000);
        try (ReactionAnnouncer announcer = announcer()) {
            announcer.committed(new BatchingReactionWriter.Committed(message, Map.of(), flood.subList(0, 1)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !of(message).isEmpty());
            announcer.committed(new BatchingReactionWriter.Committed(message, Map.of("🎉", 1), flood.subList(1, 1_000)));
            await().atMost(Duration.ofSeconds(10)).until(() -> of(message).stream()
                    .anyMatch(u -> u.changes().getLast().equals(flood.getLast())));
        }
        List<ReactionChange> announced = of(message).stream().flatMap(u -> u.changes().stream()).toList();
        assertThat(announced).hasSize(1 + ReactionAnnouncer.MAX_WAITING);
        assertThat(announced.subList(1, announced.size())).as("the latest, in order")
                .containsExactlyElementsOf(flood.subList(1_000 - ReactionAnnouncer.MAX_WAITING, 1_000));
        assertThat(of(message).getLast().counts()).isEqualTo(Map.of("🎉", 1_000));
    }

    @Test
    void closingAnnouncesWhatWaits() {
        UUID message = UUID.randomUUID();
        List<ReactionChange> changes = adds("🔥", 45);
        ReactionAnnouncer announcer = announcer();
        announcer.committed(new BatchingReactionWriter.Committed(message, Map.of(), changes));
        announcer.close();
        assertThat(of(message).stream().flatMap(u -> u.changes().stream()).toList()).containsExactlyElementsOf(changes);
        assertThat(of(message).getLast().counts()).isEqualTo(Map.of("🔥", 45));
    }
}
