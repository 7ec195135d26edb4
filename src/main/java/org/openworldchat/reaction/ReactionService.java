package org.openworldchat.reaction;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.batch.BatchingQueue;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.guest.GuestService;
import org.openworldchat.message.MessageExpiry;
import org.openworldchat.ratelimit.AddressKey;
import org.openworldchat.ratelimit.RateLimits;

/**
 * Emoji reactions: toggling a guest's reaction on an unexpired message, announcing the changes
 * (coalesced per message), and paging through a message's reactors.
 */
public final class ReactionService implements AutoCloseable {

    public static final int MAX_EMOJIS_PER_MESSAGE = 20;
    /** Reactors per page of {@link #reactors}: at most, and when the caller does not say. */
    public static final int MAX_REACTORS_PAGE = 100;
    public static final int DEFAULT_REACTORS_PAGE = 50;
    static final long WRITE_TIMEOUT_MS = 5_000;
    private static final int MAX_BATCH = 512;
    private static final int QUEUE_CAPACITY = 10_000;

    /** What a toggle did ({@code added}, else removed) and the message's counts right after it. */
    public record Toggled(UUID messageId, String emoji, boolean added, Map<String, Integer> counts) {
    }

    /** Guests who reacted with one emoji, first reacted first; {@code hasMore} when more follow the last. */
    public record ReactorPage(List<UUID> guestIds, boolean hasMore) {
    }

    private final Jdbi jdbi;
    private final BatchingReactionWriter writer;
    private final ReactionAnnouncer announcer;
    private final RateLimits limits;
    private final GuestService guests;
    private final MessageExpiry expiry;
    private final EmojiPolicy emojis = new EmojiPolicy();
    private final Executor afterWrite;

    /**
     * @param afterWrite answers committed toggles, so that the writer thread only writes
     * @param batches    hears about every batch of toggles
     */
    public ReactionService(Jdbi jdbi, GuestService guests, MessageExpiry expiry, ReactionEvents events,
                           RateLimits limits, Executor afterWrite, BatchObserver batches) {
        this.jdbi = jdbi;
        this.afterWrite = afterWrite;
        this.limits = limits;
        this.guests = guests;
        this.expiry = expiry;
        this.announcer = new ReactionAnnouncer(events::reactionsChanged);
        this.writer = new BatchingReactionWriter(jdbi, MAX_BATCH, QUEUE_CAPACITY, committed -> {
            events.toggled(committed.changes().size());
            announcer.committed(committed);
        }, batches);
    }

    /** A toggle whose payload could not be read still counts toward the guest's and its address's limits. */
    public void countMalformed(UUID guestId, AddressKey address) {
        checkLimits(guestId, address);
    }

    /**
     * Checks the toggle and queues it. Refusals known before the write are thrown; the returned
     * stage completes, off the writer's thread, once the toggle is committed or refused.
     */
    public CompletableFuture<Toggled> toggle(UUID guestId, AddressKey address, UUID messageId, String emoji) {
        checkLimits(guestId, address);
        guests.requireWriterName(guestId);
        String canonical = emojis.canonical(emoji).orElseThrow(() -> new ChatException(ErrorCode.INVALID_EMOJI));
        return BatchingQueue.within(writer.submit(new BatchingReactionWriter.Toggle(
                        messageId, canonical, guestId, expiry.cutoff(), MAX_EMOJIS_PER_MESSAGE)), WRITE_TIMEOUT_MS)
                .thenApplyAsync(Function.identity(), afterWrite); // answered off the writer's thread
    }

    /** The guest's own limit first: an attempt it refuses does not count toward the address. */
    private void checkLimits(UUID guestId, AddressKey address) {
        limits.check(RateLimit.REACTION, guestId);
        limits.check(RateLimit.ADDRESS_REACTION, address);
    }

    /**
     * Up to {@code limit} guests who reacted to an unexpired message with {@code emoji}, first
     * reacted first, after the guest {@code after}. An {@code after} that is not (or no longer)
     * among them starts from the first again: clients drop ids they already have.
     */
    public ReactorPage reactors(UUID messageId, String emoji, Optional<UUID> after, int limit) {
        if (limit < 1 || limit > MAX_REACTORS_PAGE) {
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "limit must be between 1 and " + MAX_REACTORS_PAGE);
        }
        String canonical = emojis.canonical(emoji)
                .orElseThrow(() -> new ChatException(ErrorCode.INVALID_PAYLOAD, "'emoji' must be exactly one emoji"));
        return jdbi.withHandle(h -> {
            if (!ReactionRepository.isActive(h, messageId, expiry.cutoff())) {
                throw new ChatException(ErrorCode.MESSAGE_NOT_FOUND);
            }
            List<UUID> found = ReactionRepository.reactors(h, messageId, canonical, after.orElse(null), limit + 1);
            return new ReactorPage(found.size() > limit ? found.subList(0, limit) : found, found.size() > limit);
        });
    }

    /** Stops taking toggles, applies those already queued, and announces what waits. */
    @Override
    public void close() {
        writer.close();
        announcer.close();
    }
}
