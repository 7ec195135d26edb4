package org.openworldchat.reaction;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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

/** Emoji reactions: toggling a guest's reaction on an unexpired message, and announcing the new map. */
public final class ReactionService implements AutoCloseable {

    public static final int MAX_EMOJIS_PER_MESSAGE = 20;
    static final long WRITE_TIMEOUT_MS = 5_000;
    private static final int MAX_BATCH = 512;
    private static final int QUEUE_CAPACITY = 10_000;

    /** The message's reactions after a toggle. */
    public record Toggled(UUID messageId, Map<String, List<UUID>> reactions) {
    }

    private final BatchingReactionWriter writer;
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
        this.afterWrite = afterWrite;
        this.limits = limits;
        this.guests = guests;
        this.expiry = expiry;
        this.writer = new BatchingReactionWriter(jdbi, MAX_BATCH, QUEUE_CAPACITY,
                (messageId, committed) -> events.reactionsChanged(messageId, committed.reactions(), committed.toggles()),
                batches);
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
                .thenApplyAsync(after -> new Toggled(messageId, after), afterWrite);
    }

    /** The guest's own limit first: an attempt it refuses does not count toward the address. */
    private void checkLimits(UUID guestId, AddressKey address) {
        limits.check(RateLimit.REACTION, guestId);
        limits.check(RateLimit.ADDRESS_REACTION, address);
    }

    /** Stops taking toggles and applies those already queued. */
    @Override
    public void close() {
        writer.close();
    }
}
