package org.openworldchat.reaction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.batch.BatchingQueue;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.ServiceUnavailableException;
import org.openworldchat.message.ReactionSummary;
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
 * first-come order. With the reactions, the batch writes what readers are sent of them (counts,
 * the first few reactors) and the difference in {@code message_reactors}. Each toggle is
 * answered with the counts as it left them; each changed message is handed on once per batch,
 * with the changes in the order applied. A failed transaction fails all its toggles; none is
 * retried, because a toggle applied twice undoes itself.
 */
final class BatchingReactionWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchingReactionWriter.class);

    record Toggle(UUID messageId, String emoji, UUID guestId, Instant cutoff, int maxEmojis) {
    }

    /** What a batch did to one message: its counts before, and its changes in the order applied. */
    record Committed(UUID messageId, Map<String, Integer> countsBefore, List<ReactionChange> changes) {
    }

    private record Pending(Toggle toggle, CompletableFuture<ReactionService.Toggled> result) {
    }

    private final Jdbi jdbi;
    private final Consumer<Committed> afterCommit;
    private final BatchingQueue<Pending> queue;

    /** {@code afterCommit} runs on the writer's thread once per changed message and batch; it must be quick. */
    BatchingReactionWriter(Jdbi jdbi, int maxBatch, int queueCapacity, Consumer<Committed> afterCommit,
                           BatchObserver observer) {
        this.jdbi = jdbi;
        this.afterCommit = afterCommit;
        this.queue = new BatchingQueue<>("reaction-writer", maxBatch, queueCapacity, this::apply, observer);
    }

    /** Completes with what the toggle did and the message's counts right after it, or with its refusal. */
    CompletableFuture<ReactionService.Toggled> submit(Toggle toggle) {
        CompletableFuture<ReactionService.Toggled> result = new CompletableFuture<>();
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
        try {
            jdbi.useTransaction(h -> {
                outcomes.clear();
                touched.clear();
                Map<UUID, ReactionRepository.LockedRow> rows = ReactionRepository.lock(h,
                        batch.stream().map(p -> p.toggle().messageId()).collect(Collectors.toSet()));
                for (Pending p : batch) {
                    outcomes.put(p, applyOne(p.toggle(), rows, touched));
                }
                touched.values().removeIf(r -> r.changes().isEmpty());
                if (touched.isEmpty()) {
                    return;
                }
                List<ReactionRepository.Written> written = new ArrayList<>();
                List<ReactionRepository.Row> gone = new ArrayList<>();
                List<ReactionRepository.Row> added = new ArrayList<>();
                touched.forEach((id, r) -> {
                    written.add(new ReactionRepository.Written(id, StoredReactions.format(r.all()),
                            StoredReactions.formatCounts(r.counts()),
                            StoredReactions.format(r.firstReactors(ReactionSummary.LISTED_PER_EMOJI))));
                    r.rowsGone().forEach(reactor -> gone.add(new ReactionRepository.Row(id, reactor)));
                    r.rowsNew().forEach(reactor -> added.add(new ReactionRepository.Row(id, reactor)));
                });
                ReactionRepository.store(h, written);
                ReactionRepository.deleteRows(h, gone);
                ReactionRepository.insertRows(h, added);
            });
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("batch", batch.size()).setCause(e).log("reaction batch not stored");
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        touched.forEach((messageId, reactions) -> {
            try {
                afterCommit.accept(new Committed(messageId, reactions.countsBefore(), reactions.changes()));
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("after-commit action failed");
            }
        });
        batch.forEach(p -> outcomes.get(p).answer(p.result()));
    }

    /** What one toggle came to, or the code it is refused with. */
    private record Outcome(ReactionService.Toggled toggled, ErrorCode refusal) {

        static Outcome refused(ErrorCode refusal) {
            return new Outcome(null, refusal);
        }

        void answer(CompletableFuture<ReactionService.Toggled> result) {
            if (refusal != null) {
                result.completeExceptionally(new ChatException(refusal));
            } else {
                result.complete(toggled);
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
        MessageReactions.Outcome outcome = reactions.toggle(t.emoji(), t.guestId(), t.maxEmojis());
        if (outcome == MessageReactions.Outcome.REFUSED) {
            return Outcome.refused(ErrorCode.TOO_MANY_REACTIONS);
        }
        return new Outcome(new ReactionService.Toggled(t.messageId(), t.emoji(),
                outcome == MessageReactions.Outcome.ADDED, reactions.counts()), null);
    }

    @Override
    public void close() {
        queue.close();
    }
}
