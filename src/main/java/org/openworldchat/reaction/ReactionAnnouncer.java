package org.openworldchat.reaction;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed toggles into the room's {@code MESSAGE_REACTION_UPDATED} deltas, coalesced per
 * message: the first change of a quiet message goes out at once; what follows within
 * {@link #SPACING} waits, and then goes out together, at most {@link #MAX_CHANGES} changes an
 * event. A message is so announced at most ten times a second, a couple of KiB each, however
 * many guests toggle it: when every toggle sent the whole reactions map, 99 toggles on a message
 * with 1,000 reactors cost each watching socket 51 MB.
 *
 * <p>Changes of one message go out in the order applied, each event with the counts right after
 * its last change (computed from the counts the batch saw before it, so they are exact even when
 * another node commits in between). A message toggled faster than the events can carry (over 200
 * changes a second) keeps at most {@link #MAX_WAITING} changes waiting: older ones are dropped
 * from the announcements (the counts stay exact; history and the reactors endpoint stay complete),
 * so an announcement is never more than a second behind. One thread sends every announcement,
 * which keeps each message's events in order.
 */
final class ReactionAnnouncer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReactionAnnouncer.class);

    static final Duration SPACING = Duration.ofMillis(100);
    static final int MAX_CHANGES = 20;
    static final int MAX_WAITING = 200;

    private final Consumer<ReactionUpdate> announce;
    private final ScheduledExecutorService sender;
    /** Messages announced within the last {@link #SPACING}, with what waits for their next event. Guarded by this. */
    private final Map<UUID, Backlog> backlogs = new HashMap<>();

    ReactionAnnouncer(Consumer<ReactionUpdate> announce) {
        this.announce = announce;
        ScheduledThreadPoolExecutor sender = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("reaction-announcer").daemon(true).factory());
        // At close, what waits is sent at once rather than after its spacing.
        sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.sender = sender;
    }

    /** A batch's changes of one message, committed. Quick: the announcing happens on the sender's thread. */
    void committed(BatchingReactionWriter.Committed committed) {
        UUID id = committed.messageId();
        synchronized (this) {
            Backlog backlog = backlogs.get(id);
            boolean quiet = backlog == null;
            if (quiet) {
                backlog = new Backlog();
                backlogs.put(id, backlog);
            }
            backlog.add(committed);
            if (quiet) {
                run(() -> announceNext(id), 0);
            }
        }
    }

    /**
     * Sends the next event of a message, if anything waits, and looks again after {@link #SPACING};
     * a message with nothing waiting then is quiet again, and its next change goes out at once.
     */
    private void announceNext(UUID id) {
        ReactionUpdate update;
        synchronized (this) {
            Backlog backlog = backlogs.get(id);
            if (backlog == null) {
                return;
            }
            if (backlog.isEmpty()) {
                backlogs.remove(id);
                return;
            }
            update = backlog.take(id);
        }
        try {
            announce.accept(update);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("reaction update not announced");
        }
        run(() -> announceNext(id), SPACING.toNanos());
    }

    private void run(Runnable task, long delayNanos) {
        try {
            sender.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // closing: close() sends what still waits
        }
    }

    /** Sends what still waits, without spacing, and stops. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ReactionUpdate> last = new ArrayList<>();
        synchronized (this) {
            backlogs.forEach((id, backlog) -> {
                while (!backlog.isEmpty()) {
                    last.add(backlog.take(id));
                }
            });
            backlogs.clear();
        }
        last.forEach(update -> {
            try {
                announce.accept(update);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("reaction update not announced");
            }
        });
    }

    /** One message's changes not announced yet, batch by batch, each with the counts before its first waiting change. */
    private static final class Backlog {

        private record Segment(TreeMap<String, Integer> counts, Deque<ReactionChange> changes) {
        }

        private final Deque<Segment> segments = new ArrayDeque<>();
        private int waiting;

        void add(BatchingReactionWriter.Committed committed) {
            TreeMap<String, Integer> counts = new TreeMap<>(MessageReactions.JSONB_KEY_ORDER);
            counts.putAll(committed.countsBefore());
            segments.add(new Segment(counts, new ArrayDeque<>(committed.changes())));
            waiting += committed.changes().size();
            while (waiting > MAX_WAITING) {
                poll(); // dropped from the announcements; its effect stays in the counts
            }
        }

        boolean isEmpty() {
            return waiting == 0;
        }

        /** The next event: up to {@link #MAX_CHANGES} changes, and the counts after the last of them. */
        ReactionUpdate take(UUID messageId) {
            List<ReactionChange> changes = new ArrayList<>(Math.min(waiting, MAX_CHANGES));
            Map<String, Integer> counts = Map.of();
            while (changes.size() < MAX_CHANGES && waiting > 0) {
                Segment from = segments.peekFirst();
                changes.add(poll());
                counts = from.counts();
            }
            return new ReactionUpdate(messageId, changes, counts);
        }

        /** Takes the oldest waiting change, applying it to its segment's counts. */
        private ReactionChange poll() {
            Segment segment = segments.peekFirst();
            ReactionChange change = segment.changes().pollFirst();
            segment.counts().merge(change.emoji(), change.added() ? 1 : -1, (a, b) -> a + b == 0 ? null : a + b);
            if (segment.changes().isEmpty()) {
                segments.pollFirst();
            }
            waiting--;
            return change;
        }
    }
}
