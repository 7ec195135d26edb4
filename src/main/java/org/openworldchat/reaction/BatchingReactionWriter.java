package org.openworldchat.reaction;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.batch.BatchingQueue;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.ServiceUnavailableException;
import org.openworldchat.message.StoredReactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies toggles in batches: every toggle that has queued up runs, in arrival order, inside ONE
 * transaction that locks the messages they touch, applies the toggles to them one by one, and
 * writes each changed message once. A hot message then costs one row version and one commit per
 * batch instead of one per toggle, which is what capped a popular message at a few thousand
 * toggles per second.
 *
 * <p>The row lock serializes batches from every node, so no toggle is lost and ids stay in
 * first-come order. Each toggle is answered with the reactions as it left them; each changed
 * message is announced once per batch, as committed. A failed transaction fails all its toggles;
 * none is retried, because a toggle applied twice undoes itself.
 */
final class BatchingReactionWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchingReactionWriter.class);

    record Toggle(UUID messageId, String emoji, UUID guestId, Instant cutoff, int maxEmojis) {
    }

    /** A message's reactions as committed, and how many toggles the batch applied to it. */
    record Committed(Map<String, List<UUID>> reactions, int toggles) {
    }


    private record Pending(Toggle toggle, CompletableFuture<Map<String, List<UUID>>> result) {
    }

    private final Jdbi jdbi;
    private final BiConsumer<UUID, Committed> afterCommit;
    private final BatchingQueue<Pending> queue;

    /** {@code afterCommit} runs on the writer's thread once per changed message and batch; it must be quick. */
    BatchingReactionWriter(Jdbi jdbi, int maxBatch, int queueCapacity, BiConsumer<UUID, Committed> afterCommit,
                           BatchObserver observer) {
        this.jdbi = jdbi;
        this.afterCommit = afterCommit;
        this.queue = new BatchingQueue<>("reaction-writer", maxBatch, queueCapacity, this::apply, observer);
    }

    /** Completes with the message's reactions right after this toggle, or with its refusal. */
    CompletableFuture<Map<String, List<UUID>>> submit(Toggle toggle) {
        CompletableFuture<Map<String, List<UUID>>> result = new CompletableFuture<>();
        try {
            queue.offer(new Pending(toggle, result));
        } catch (ServiceUnavailableException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private void apply(List<Pending> batch) {
        Map<Pending, Object> outcomes = new HashMap<>();
        Map<UUID, MessageReactions> changed = new LinkedHashMap<>();
        try {
            jdbi.useTransaction(h -> {
                outcomes.clear();
                changed.clear();
                Map<UUID, ReactionRepository.LockedRow> rows = ReactionRepository.lock(h,
                        batch.stream().map(p -> p.toggle().messageId()).collect(Collectors.toSet()));
                for (Pending p : batch) {
                    outcomes.put(p, applyOne(p.toggle(), rows, changed));
                }
                changed.values().removeIf(r -> r.applied() == 0);
                if (!changed.isEmpty()) {
                    Map<UUID, Map<String, List<UUID>>> stored = new LinkedHashMap<>();
                    changed.forEach((id, r) -> stored.put(id, r.snapshot()));
                    ReactionRepository.store(h, stored);
                }
            });
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("batch", batch.size()).setCause(e).log("reaction batch not stored");
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        changed.forEach((messageId, reactions) -> {
            try {
                afterCommit.accept(messageId, new Committed(reactions.snapshot(), reactions.applied()));
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("after-commit action failed");
            }
        });
        for (Pending p : batch) {
            if (outcomes.get(p) instanceof ErrorCode refusal) {
                p.result().completeExceptionally(new ChatException(refusal));
            } else {
                @SuppressWarnings("unchecked")
                Map<String, List<UUID>> after = (Map<String, List<UUID>>) outcomes.get(p);
                p.result().complete(after);
            }
        }
    }

    /** The reactions right after this toggle, or the code it is refused with. */
    private static Object applyOne(Toggle t, Map<UUID, ReactionRepository.LockedRow> rows,
                                   Map<UUID, MessageReactions> changed) {
        ReactionRepository.LockedRow row = rows.get(t.messageId());
        if (row == null || !row.createdAt().isAfter(t.cutoff())) {
            return ErrorCode.MESSAGE_NOT_FOUND;
        }
        MessageReactions reactions = changed.computeIfAbsent(t.messageId(),
                id -> new MessageReactions(StoredReactions.parse(row.reactions())));
        return reactions.toggle(t.emoji(), t.guestId(), t.maxEmojis())
                ? reactions.snapshot() : ErrorCode.TOO_MANY_REACTIONS;
    }

    @Override
    public void close() {
        queue.close();
    }
}
