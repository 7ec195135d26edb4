package org.openworldchat.presence;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the presence store up to date and announces the counts. Announcements are coalesced: a
 * ticker compares the counts with the last announced ones every {@code interval} and announces
 * only a change, so a join storm costs a few broadcasts per second, and the last announced values
 * are never older than one interval. The ticker also picks up changes made by other nodes when
 * the store is shared.
 *
 * <p>Every announcement is one write to every joined socket, so in a large room announcements
 * are spaced further apart ({@link #spacing}): with 20,000 sockets joining at once, four
 * announcements a second were 80,000 writes a second and held new joins to under 200 a second.
 * The spacing never exceeds {@link #MAX_SPACING}, so the last announced counts stay right within
 * a second, as the contract promises.
 */
public final class PresenceService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PresenceService.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
    /** Announcement writes a second that a large room is held to, until {@link #MAX_SPACING}. */
    static final long WRITES_PER_SECOND = 40_000;
    static final Duration MAX_SPACING = Duration.ofMillis(500);

    private final Presence store;
    private final PresenceEvents events;
    private final ScheduledExecutorService ticker;
    private final Duration interval;
    private volatile Presence.Counts announced = new Presence.Counts(0, 0);
    private long announcedAtNanos = System.nanoTime();
    /**
     * Set when a socket was told counts other than the last announced ones (in its JOIN_CHAT
     * answer): the next tick announces even if the counts are back to the last announced values,
     * which that socket never heard.
     */
    private volatile boolean toldOtherwise;

    public PresenceService(Presence store, PresenceEvents events, Duration interval) {
        this.store = store;
        this.events = events;
        this.interval = interval;
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("presence-ticker").daemon(true).factory());
        ticker.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void join(String socketId, UUID guestId, boolean active) {
        store.join(socketId, guestId, active);
    }

    public void activate(UUID guestId) {
        store.activate(guestId);
    }

    public void leave(String socketId) {
        store.leave(socketId);
    }

    /** The counts now (for the metrics; they announce nothing). */
    public Presence.Counts counts() {
        return store.counts();
    }

    /** The counts now, for a socket that is told them directly (a JOIN_CHAT answer). */
    public Presence.Counts countsToTell() {
        Presence.Counts now = store.counts();
        if (!now.equals(announced)) {
            toldOtherwise = true;
        }
        return now;
    }

    private void tick() {
        try {
            boolean owed = toldOtherwise;
            Presence.Counts now = store.counts();
            long nowNanos = System.nanoTime();
            if ((owed || !now.equals(announced))
                    && nowNanos - announcedAtNanos >= spacing(announced.watching(), interval).toNanos()) {
                toldOtherwise = false;
                announced = now;
                announcedAtNanos = nowNanos;
                events.countsChanged(now);
            }
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("presence tick failed");
        }
    }

    /**
     * The least time between two announcements to a room of {@code watching} guests: the ticker's
     * interval for a small room, longer as the room grows, never over {@link #MAX_SPACING}.
     */
    static Duration spacing(long watching, Duration interval) {
        Duration byRoomSize = Duration.ofNanos(watching * 1_000_000_000L / WRITES_PER_SECOND);
        Duration atLeast = byRoomSize.compareTo(interval) > 0 ? byRoomSize : interval;
        return atLeast.compareTo(MAX_SPACING) < 0 ? atLeast : MAX_SPACING;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("presence store did not close cleanly: {}", e.getMessage());
            }
        }
    }
}
