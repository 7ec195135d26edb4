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
 */
public final class PresenceService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PresenceService.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

    private final Presence store;
    private final PresenceEvents events;
    private final ScheduledExecutorService ticker;
    private Presence.Counts announced = new Presence.Counts(0, 0);

    public PresenceService(Presence store, PresenceEvents events, Duration interval) {
        this.store = store;
        this.events = events;
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

    public Presence.Counts counts() {
        return store.counts();
    }

    private void tick() {
        try {
            Presence.Counts now = store.counts();
            if (!now.equals(announced)) {
                announced = now;
                events.countsChanged(now);
            }
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("presence tick failed");
        }
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
