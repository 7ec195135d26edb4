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
        Map<Pending, Outcome> outcomes = new HashMap<>();
        Map<UUID, MessageReactions> touched = new LinkedHashMap<>();
        Map<UUID, Map<String, List<UUID>>> stored = new LinkedHashMap<>();
        try {
            jdbi.useTransaction(h -> {
                outcomes.clear();
                touched.clear();
                stored.clear();
                Map<UUID, ReactionRepository.LockedRow> rows = ReactionRepository.lock(h,
                        batch.stream().map(p -> p.toggle().messageId()).collect(Collectors.toSet()));
                for (Pending p : batch) {
                    outcomes.put(p, applyOne(p.toggle(), rows, touched));
                }
                touched.forEach((id, r) -> {
                    if (r.applied() > 0) {
                        stored.put(id, r.snapshot());
                    }
                });
                if (!stored.isEmpty()) {
                    ReactionRepository.store(h, stored);
                }
            });
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("batch", batch.size()).setCause(e).log("reaction batch not stored");
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        stored.forEach((messageId, reactions) -> {
            try {
                afterCommit.accept(messageId, new Committed(reactions, touched.get(messageId).applied()));
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("after-commit action failed");
            }
        });
        batch.forEach(p -> outcomes.get(p).answer(p.result()));
    }

    /** What one toggle came to: the reactions right after it, or the code it is refused with. */
    private record Outcome(Map<String, List<UUID>> reactions, ErrorCode refusal) {

        static Outcome refused(ErrorCode refusal) {
            return new Outcome(null, refusal);
        }

        void answer(CompletableFuture<Map<String, List<UUID>>> result) {
            if (refusal != null) {
                result.completeExceptionally(new ChatException(refusal));
            } else {
                result.complete(reactions);
            }
        }
    }

    private static Outcome applyOne(Toggle t, Map<UUID, ReactionRepository.LockedRow> rows,
                                    Map<UUID, MessageReactions> touched) {
        ReactionRepository.LockedRow row = rows.get(t.messageId());
        if (row == null || !row.createdAt().isAfter(t.cutoff())) {
            return Outcome.refused(ErrorCode.MESSAGE_NOT_FOUND);
        }
        MessageReactions reactions = touched.computeIfAbsent(t.messageId(),
                id -> new MessageReactions(StoredReactions.parse(row.reactions())));
        return reactions.toggle(t.emoji(), t.guestId(), t.maxEmojis())
                ? new Outcome(reactions.snapshot(), null) : Outcome.refused(ErrorCode.TOO_MANY_REACTIONS);
    }

    @Override
    public void close() {
        queue.close();
    }
}
