package org.openworldchat.reaction;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchingQueue;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.ServiceUnavailableException;
import org.openworldchat.message.StoredReactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies toggles in batches: every toggle that has queued up runs, in arrival order, inside ONE
 * transaction. A hot message's row lock is then held for one commit per batch instead of one per
 * toggle, which is what capped a popular message at a few hundred toggles per second.
 *
 * <p>Each toggle is still its own atomic UPDATE evaluated against the row as the previous one left
 * it, so no toggle is lost and ids stay in first-come order. Each toggle is answered with the
 * reactions as it left them; each changed message is announced once per batch, as committed.
 * A failed transaction fails all its toggles; none is retried, because a toggle applied twice
 * undoes itself.
 */
final class BatchingReactionWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchingReactionWriter.class);

    record Toggle(UUID messageId, String emoji, UUID guestId, Instant cutoff, int maxEmojis) {
    }

    /** A message's reactions as committed, and how many toggles the batch applied to it. */
    record Committed(Map<String, List<UUID>> reactions, int toggles) {
    }


    private record Pending(Toggle toggle, CompletableFuture<String> result) {
    }

    private final Jdbi jdbi;
    private final BiConsumer<UUID, Committed> afterCommit;
    private final BatchingQueue<Pending> queue;

    /** {@code afterCommit} runs on the writer's thread once per changed message and batch; it must be quick. */
    BatchingReactionWriter(Jdbi jdbi, int maxBatch, int queueCapacity, BiConsumer<UUID, Committed> afterCommit) {
        this.jdbi = jdbi;
        this.afterCommit = afterCommit;
        this.queue = new BatchingQueue<>("reaction-writer", maxBatch, queueCapacity, this::apply);
    }

    /** Completes with the message's reactions (stored JSON) right after this toggle, or with its refusal. */
    CompletableFuture<String> submit(Toggle toggle) {
        CompletableFuture<String> result = new CompletableFuture<>();
        try {
            queue.offer(new Pending(toggle, result));
        } catch (ServiceUnavailableException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private void apply(List<Pending> batch) {
        Map<Pending, Object> outcomes = new HashMap<>();
        Map<UUID, String> latest = new LinkedHashMap<>();
        Map<UUID, Integer> toggles = new HashMap<>();
        try {
            jdbi.useTransaction(h -> {
                outcomes.clear();
                latest.clear();
                toggles.clear();
                for (Pending p : batch) {
                    Toggle t = p.toggle();
                    Optional<String> after = ReactionRepository.toggle(h, t.messageId(), t.emoji(), t.guestId(),
                            t.cutoff(), t.maxEmojis());
                    if (after.isPresent()) {
                        outcomes.put(p, after.get());
                        latest.put(t.messageId(), after.get());
                        toggles.merge(t.messageId(), 1, Integer::sum);
                    } else {
                        outcomes.put(p, refusal(h, t));
                    }
                }
            });
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("batch", batch.size()).setCause(e).log("reaction batch not stored");
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        latest.forEach((messageId, json) -> {
            try {
                afterCommit.accept(messageId, new Committed(StoredReactions.parse(json), toggles.get(messageId)));
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("after-commit action failed");
            }
        });
        for (Pending p : batch) {
            if (outcomes.get(p) instanceof String json) {
                p.result().complete(json);
            } else {
                p.result().completeExceptionally(new ChatException((ErrorCode) outcomes.get(p)));
            }
        }
    }

    private static ErrorCode refusal(Handle h, Toggle t) {
        return ReactionRepository.exists(h, t.messageId(), t.cutoff())
                ? ErrorCode.TOO_MANY_REACTIONS : ErrorCode.MESSAGE_NOT_FOUND;
    }

    @Override
    public void close() {
        queue.close();
    }
}
