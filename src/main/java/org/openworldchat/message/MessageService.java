package org.openworldchat.message;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.batch.BatchingQueue;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.guest.GuestService;
import org.openworldchat.ratelimit.AddressKey;
import org.openworldchat.ratelimit.RateLimits;

/**
 * Sending and reading messages. A message is stored (committed) before it is acknowledged or
 * announced; announcing goes through {@link MessageEvents}, so this class knows nothing of sockets.
 */
public final class MessageService implements AutoCloseable {

    public static final int JOIN_PAGE = 50;
    public static final int CATCH_UP_LIMIT = 500;
    public static final int MAX_PAGE = 100;
    static final long WRITE_TIMEOUT_MS = 5_000;

    /**
     * Settings of the write path. {@code maxBatch} 1 switches batching off; {@code afterWrite} runs
     * what follows a commit (reading a retried message back, attaching its image, the caller's
     * answer), so that the writer thread only writes; {@code batches} hears about every batch.
     */
    public record WriteSettings(int maxBatch, int queueCapacity, Executor afterWrite, BatchObserver batches) {
        public static final int DEFAULT_MAX_BATCH = 256;
        public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    }

    private final GuestService guests;
    private final RateLimits limits;
    private final MessageRepository repository;
    private final MessageWriter writer;
    private final MessageIds ids;
    private final Executor afterWrite;
    private final MessageEvents events;
    private final ImageOwnership images;
    private final MessageExpiry expiry;
    private final AnswerBudget budget;
    private final RecentBroadcasts broadcasts = new RecentBroadcasts(100_000);

    /**
     * @param encodedSize the bytes of a message as it is sent; history answers hold no more
     *                    messages than fit in one answer (1 MiB)
     */
    public MessageService(Jdbi jdbi, Clock clock, MessageExpiry expiry, GuestService guests, MessageEvents events,
                          ImageOwnership images, RateLimits limits, WriteSettings writeSettings,
                          ToIntFunction<Message> encodedSize) {
        this.afterWrite = writeSettings.afterWrite();
        this.guests = guests;
        this.limits = limits;
        this.events = events;
        this.images = images;
        this.expiry = expiry;
        this.budget = new AnswerBudget(encodedSize, AnswerBudget.MAX_MESSAGES_BYTES);
        this.repository = new MessageRepository(jdbi, new MessageRows(expiry), expiry);
        this.ids = new MessageIds(clock);
        this.writer = new BatchingMessageWriter(jdbi, clock, writeSettings.maxBatch(), writeSettings.queueCapacity(),
                writeSettings.batches());
    }

    /** The outcome of a send: the message as stored, and whether this call stored it. */
    public record Sent(Message message, boolean created) {
    }

    /** A send whose payload could not be read still counts toward the guest's and its address's limits. */
    public void countMalformed(UUID guestId, AddressKey address) {
        checkLimits(guestId, address);
    }

    /**
     * Checks the send and queues it for the writer. Refusals known before the write are thrown;
     * the returned stage completes once the message is committed (or fails with the write). Sends
     * of one caller are stored in the order this method was called.
     */
    public CompletableFuture<Sent> send(UUID guestId, AddressKey address, SendMessage request) {
        checkLimits(guestId, address);
        String senderName = guests.requireWriterName(guestId);
        String content = ContentNormalizer.normalize(request.content());
        String imageUrl = request.imageUrl();
        if (imageUrl != null && !images.isIssuedTo(imageUrl, guestId)) {
            throw new ChatException(ErrorCode.INVALID_IMAGE_URL);
        }
        if (content.isEmpty() && imageUrl == null) {
            throw new ChatException(ErrorCode.EMPTY_MESSAGE);
        }
        if (ContentNormalizer.length(content) > ContentNormalizer.MAX_LENGTH) {
            throw new ChatException(ErrorCode.MESSAGE_TOO_LONG);
        }
        Message.ReplyPreview parent = null;
        if (request.replyToMessageId() != null) {
            parent = repository.findActive(request.replyToMessageId(), null)
                    .map(p -> new Message.ReplyPreview(p.id(), p.senderName(), snippet(p.content()), p.imageUrl()))
                    .orElseThrow(() -> new ChatException(ErrorCode.REPLY_TARGET_NOT_FOUND));
        }
        MessageWriter.NewMessage draft = new MessageWriter.NewMessage(ids.next(), content, imageUrl,
                guestId, senderName, request.replyToMessageId(), request.clientMessageId());
        Message.ReplyPreview quoted = parent;
        // Runs on the writer's thread right after the commit, in the order of the rows' seq, so every
        // socket of this node receives new messages in the order JOIN_CHAT {since} pages them.
        CompletableFuture<MessageWriter.Stored> written = BatchingQueue.within(writer.write(draft, committed -> {
            if (committed.created() && broadcasts.claim(draft.id())) {
                events.published(created(draft, quoted, committed));
            }
        }), WRITE_TIMEOUT_MS);
        return written.thenApplyAsync(stored -> afterCommit(draft, quoted, stored), afterWrite);
    }

    /**
     * The guest's own limit first: an attempt it refuses does not count toward the address, so a
     * guest hammering its own limit spends its address's allowance no faster than that limit.
     */
    private void checkLimits(UUID guestId, AddressKey address) {
        limits.check(RateLimit.MESSAGE, guestId);
        limits.check(RateLimit.ADDRESS_MESSAGE, address);
    }

    private Sent afterCommit(MessageWriter.NewMessage draft, Message.ReplyPreview parent, MessageWriter.Stored stored) {
        String imageUrl = draft.imageUrl();
        // A retry whose first attempt has expired matches a row the cleanup has not deleted yet.
        // Expired messages are never returned, not even to a retry: it is refused (which tells the
        // client its first attempt was stored), and nothing is stored or announced.
        Message message = stored.created()
                ? created(draft, parent, stored)
                : repository.findActive(stored.id(), draft.senderId()).orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND,
                        "The message with this clientMessageId was stored earlier and has expired"));
        if (stored.created() && imageUrl != null) {
            images.attached(imageUrl, message.id());
        }
        // A retry of a message this node stored but never announced (it failed, or another node
        // stored it and died before announcing) is announced now.
        if (!stored.created() && broadcasts.claim(message.id())) {
            events.published(message.forEveryone());
        }
        return new Sent(message, stored.created());
    }

    private Message created(MessageWriter.NewMessage draft, Message.ReplyPreview parent, MessageWriter.Stored stored) {
        return new Message(draft.id(), draft.content(), draft.imageUrl(), draft.senderId(), stored.senderName(),
                draft.replyToMessageId(), parent, ReactionSummary.NONE, stored.createdAt(), expiry.expiresAt(stored.createdAt()),
                draft.clientMessageId());
    }

    /**
     * History for a joining socket: the newest {@value #JOIN_PAGE}, or, after {@code since}, the
     * oldest {@value #CATCH_UP_LIMIT} newer messages. An unknown or expired {@code since} counts as
     * none. Either holds fewer when they would not fit in one answer: the newest page keeps its
     * newest messages, a catch-up its oldest, and {@code hasMore} says that more follow
     * {@code since} (the client asks again from the last one). {@code reader} is the joining guest.
     */
    public MessagePage historyForJoin(Optional<UUID> since, UUID reader) {
        OptionalLong seq = since.map(repository::seqOf).orElse(OptionalLong.empty());
        if (seq.isEmpty()) {
            return new MessagePage(budget.keepNewest(repository.newest(JOIN_PAGE, reader)), false);
        }
        List<Message> newer = repository.after(seq.getAsLong(), CATCH_UP_LIMIT + 1, reader);
        List<Message> page = budget.keepOldest(newer.subList(0, Math.min(newer.size(), CATCH_UP_LIMIT)));
        return new MessagePage(page, newer.size() > page.size());
    }

    /**
     * A page older than {@code before} (the newest page without it), at most {@code limit}
     * messages, fewer (the newest of them) when they would not fit in one answer.
     * {@code reader}, when known, gets its own reactions listed.
     */
    public MessagePage page(Optional<UUID> before, int limit, Optional<UUID> reader) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ChatException(ErrorCode.INVALID_PAYLOAD, "limit must be between 1 and " + MAX_PAGE);
        }
        UUID readerId = reader.orElse(null);
        List<Message> found;
        if (before.isPresent()) {
            long seq = repository.seqOf(before.get())
                    .orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND));
            found = repository.before(seq, limit + 1, readerId);
        } else {
            found = repository.newest(limit + 1, readerId);
        }
        List<Message> page = budget.keepNewest(found.size() > limit ? found.subList(1, found.size()) : found);
        return new MessagePage(page, found.size() > page.size());
    }

    /** An unexpired message, for other features (reactions) that act on one. */
    public Optional<Message> findActive(UUID id) {
        return repository.findActive(id, null);
    }

    private static String snippet(String content) {
        int end = content.codePointCount(0, content.length()) <= 140
                ? content.length() : content.offsetByCodePoints(0, 140);
        return content.substring(0, end);
    }

    /** Stops taking sends and stores those already queued. */
    @Override
    public void close() {
        writer.close();
    }
}
