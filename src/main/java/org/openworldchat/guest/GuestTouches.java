package org.openworldchat.guest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.batch.BatchingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks stored guests active in batches: one statement and one commit for every guest whose
 * socket joined meanwhile. Every join is such a write, and a node that restarts, or a link shared
 * widely, brings thousands of joins at once; one commit each held the join rate of a node to a
 * few hundred a second. A guest without a row (one that never chose a name) gets none: it is
 * answered as a guest without a username.
 */
final class GuestTouches implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GuestTouches.class);
    private static final long TIMEOUT_MS = 5_000;
    private static final int MAX_BATCH = 256;
    private static final int QUEUE_CAPACITY = 20_000;

    private record Pending(UUID guestId, CompletableFuture<Guest> result) {
    }

    private final GuestRepository repository;
    private final Clock clock;
    private final BatchingQueue<Pending> queue;

    GuestTouches(GuestRepository repository, Clock clock, BatchObserver observer) {
        this.repository = repository;
        this.clock = clock;
        this.queue = new BatchingQueue<>("guest-touches", MAX_BATCH, QUEUE_CAPACITY, this::store, observer);
    }

    Guest touch(UUID guestId) {
        Pending pending = new Pending(guestId, new CompletableFuture<>());
        queue.offer(pending);
        return BatchingQueue.await(pending.result(), TIMEOUT_MS);
    }

    private void store(List<Pending> batch) {
        // Two tabs of one guest may join in the same batch; the statement must see each guest once.
        Map<UUID, List<Pending>> byGuest = new LinkedHashMap<>();
        for (Pending p : batch) {
            byGuest.computeIfAbsent(p.guestId(), id -> new ArrayList<>(1)).add(p);
        }
        try {
            Map<UUID, Guest> stored = repository.markActive(byGuest.keySet(), clock.instant());
            byGuest.forEach((guestId, waiting) -> {
                Guest guest = stored.getOrDefault(guestId, Guest.unnamed(guestId));
                for (Pending p : waiting) {
                    p.result().complete(guest);
                }
            });
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("batch", batch.size()).addKeyValue("error", e.toString())
                    .log("guest activity not recorded");
            for (Pending p : batch) {
                p.result().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
