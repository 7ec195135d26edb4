package org.openworldchat.message;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.openworldchat.batch.BatchObserver;
import org.openworldchat.batch.BatchingQueue;
import org.openworldchat.contract.ServiceUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread per node (a {@link BatchingQueue}) stores whatever sends have accumulated (up
 * to {@code maxBatch}) in one transaction and one INSERT. A {@code maxBatch} of 1 switches
 * batching off.
 *
 * <p>Each transaction first takes a cluster-wide advisory lock, so rows get their {@code seq} in
 * commit order even with several nodes writing.
 */
final class BatchingMessageWriter implements MessageWriter {

    private static final Logger log = LoggerFactory.getLogger(BatchingMessageWriter.class);
    static final long WRITE_LOCK = 0x6f77635f6d7367L; // "owc_msg"

    private record Pending(NewMessage message, Consumer<Stored> afterCommit, CompletableFuture<Stored> result) {
    }

    /** A sender's own retry key. */
    private record ClientKey(UUID senderId, UUID clientMessageId) {
    }

    /** What one batch left in the database: new rows by id, earlier rows that retries matched by key. */
    private record BatchResult(Map<UUID, Stored> inserted, Map<ClientKey, Stored> earlier) {

        Stored lookup(NewMessage m) {
            Stored s = inserted.get(m.id());
            return s != null || m.clientMessageId() == null
                    ? s : earlier.get(new ClientKey(m.senderId(), m.clientMessageId()));
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final BatchingQueue<Pending> queue;

    BatchingMessageWriter(Jdbi jdbi, Clock clock, int maxBatch, int queueCapacity, BatchObserver observer) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.queue = new BatchingQueue<>("message-writer", maxBatch, queueCapacity, this::store, observer);
    }

    @Override
    public CompletableFuture<Stored> write(NewMessage message, Consumer<Stored> afterCommit) {
        CompletableFuture<Stored> result = new CompletableFuture<>();
        try {
            queue.offer(new Pending(message, afterCommit, result));
        } catch (ServiceUnavailableException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * A pending send whose caller has been answered already (its write timed out, and the caller
     * got {@code SERVICE_UNAVAILABLE}) is not written: a refusal must not turn into a stored
     * message. Checked as the batch is built, and again inside the transaction just before its
     * COMMIT, for sends whose time ran out while the batch waited for the database.
     */
    private static boolean answered(Pending p) {
        return p.result().isDone();
    }

    private void store(List<Pending> queued) {
        List<Pending> batch = queued.stream().filter(p -> !answered(p)).toList();
        if (batch.isEmpty()) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            BatchResult stored = insertRetryingOnce(batch, now);
            // The batch is in seq order (the INSERT numbers rows in queue order), and so are these.
            for (Pending p : batch) {
                Stored s = stored.lookup(p.message());
                if (s != null) {
                    try {
                        p.afterCommit().accept(s);
                    } catch (RuntimeException e) {
                        log.atWarn().setCause(e).log("after-commit action failed");
                    }
                }
            }
            for (Pending p : batch) {
                Stored s = stored.lookup(p.message());
                if (s == null) {
                    p.result().completeExceptionally(new IllegalStateException("message was neither stored nor found"));
                } else {
                    p.result().complete(s);
                }
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("batch", batch.size()).setCause(e).log("message batch not stored");
            for (Pending p : batch) {
                p.result().completeExceptionally(e);
            }
        }
    }

    /**
     * A pooled connection that died while the database restarted fails the first batch that uses
     * it. Such a failure is retried once on a fresh connection. That is safe even if the first
     * attempt did commit (the connection died during COMMIT): the retry inserts the same ids, skips
     * them as conflicts and reads them back as this batch's own rows.
     */
    private BatchResult insertRetryingOnce(List<Pending> batch, Instant now) {
        try {
            return jdbi.inTransaction(h -> insert(h, batch, now));
        } catch (RuntimeException first) {
            if (!ConnectionFailures.isConnectionLost(first)) {
                throw first;
            }
            log.atInfo().addKeyValue("batch", batch.size()).log("retrying a message batch on a fresh connection");
            return jdbi.inTransaction(h -> insert(h, batch, now));
        }
    }

    private BatchResult insert(Handle h, List<Pending> batch, Instant now) {
        h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:lock)) AS locked")
                .bind("lock", WRITE_LOCK).mapTo(Integer.class).one();
        int n = batch.size();
        List<UUID> ids = new ArrayList<>(n);
        List<String> contents = new ArrayList<>(n);
        List<String> images = new ArrayList<>(n);
        List<UUID> senders = new ArrayList<>(n);
        List<String> names = new ArrayList<>(n);
        List<UUID> replies = new ArrayList<>(n);
        List<UUID> clientIds = new ArrayList<>(n);
        for (Pending p : batch) {
            NewMessage m = p.message();
            ids.add(m.id());
            contents.add(m.content());
            images.add(m.imageUrl());
            senders.add(m.senderId());
            names.add(m.senderName());
            replies.add(m.replyToMessageId());
            clientIds.add(m.clientMessageId());
        }
        List<Stored> inserted = h.createQuery("""
                        INSERT INTO messages (id, content, image_url, sender_id, sender_name,
                                              reply_to_message_id, client_message_id, created_at)
                        SELECT u.id, u.content, u.image_url, u.sender_id,
                               coalesce((SELECT g.username FROM guest_users g
                                         WHERE g.guest_id = u.sender_id AND g.username IS NOT NULL), u.sender_name),
                               (SELECT p.id FROM messages p WHERE p.id = u.reply_to), u.client_id, :now
                        FROM unnest(:ids, :contents, :images, :senders, :names, :replies, :clientIds)
                             WITH ORDINALITY AS u(id, content, image_url, sender_id, sender_name, reply_to, client_id, ord)
                        ORDER BY u.ord
                        ON CONFLICT DO NOTHING
                        RETURNING id, sender_name""")
                .bind("now", MessageRows.utc(now))
                .bindArray("ids", UUID.class, ids)
                .bindArray("contents", String.class, contents)
                .bindArray("images", String.class, images)
                .bindArray("senders", UUID.class, senders)
                .bindArray("names", String.class, names)
                .bindArray("replies", UUID.class, replies)
                .bindArray("clientIds", UUID.class, clientIds)
                .map((rs, ctx) -> new Stored(rs.getObject("id", UUID.class), now, true, rs.getString("sender_name")))
                .list();
        Map<UUID, Stored> created = new HashMap<>();
        for (Stored row : inserted) {
            created.put(row.id(), row);
        }
        if (inserted.size() < n) {
            created.putAll(findOwn(h, ids, created));
        }
        Map<ClientKey, Stored> earlier = created.size() < n ? findEarlier(h, batch, created) : Map.of();
        withdrawAnswered(h, batch, inserted, created);
        return new BatchResult(created, earlier);
    }

    /**
     * The last moment before COMMIT: rows this transaction inserted for sends that have been
     * refused meanwhile (their write timed out while the batch waited for a lock or the database)
     * are deleted again, so the refusal holds. What remains is the COMMIT itself: a send whose
     * time runs out during it is refused and stored.
     */
    private static void withdrawAnswered(Handle h, List<Pending> batch, List<Stored> inserted, Map<UUID, Stored> created) {
        List<UUID> withdrawn = batch.stream().filter(BatchingMessageWriter::answered).map(p -> p.message().id())
                .filter(id -> inserted.stream().anyMatch(row -> row.id().equals(id))).toList();
        if (withdrawn.isEmpty()) {
            return;
        }
        h.createUpdate("DELETE FROM messages WHERE id = ANY(:ids)").bindArray("ids", UUID.class, withdrawn).execute();
        withdrawn.forEach(created::remove);
        log.atInfo().addKeyValue("messages", withdrawn.size()).log("not storing sends refused while their batch waited");
    }

    /** Rows with this batch's own ids: stored by an attempt whose commit went through unseen. */
    private static Map<UUID, Stored> findOwn(Handle h, List<UUID> ids, Map<UUID, Stored> inserted) {
        List<UUID> missing = ids.stream().filter(id -> !inserted.containsKey(id)).toList();
        Map<UUID, Stored> found = new HashMap<>();
        h.createQuery("SELECT id, created_at, sender_name FROM messages WHERE id = ANY(:ids)")
                .bindArray("ids", UUID.class, missing)
                .map((rs, ctx) -> new Stored(rs.getObject("id", UUID.class), MessageRows.instant(rs, "created_at"), true,
                        rs.getString("sender_name")))
                .forEach(stored -> found.put(stored.id(), stored));
        return found;
    }

    /** The rows that sends skipped by ON CONFLICT collided with: earlier sends with the same retry key. */
    private Map<ClientKey, Stored> findEarlier(Handle h, List<Pending> batch, Map<UUID, Stored> created) {
        Map<ClientKey, Stored> result = new HashMap<>();
        List<UUID> senders = new ArrayList<>();
        List<UUID> clientIds = new ArrayList<>();
        for (Pending p : batch) {
            if (!created.containsKey(p.message().id()) && p.message().clientMessageId() != null) {
                senders.add(p.message().senderId());
                clientIds.add(p.message().clientMessageId());
            }
        }
        h.createQuery("""
                        SELECT m.id, m.sender_id, m.client_message_id, m.created_at, m.sender_name FROM messages m
                        JOIN unnest(:senders, :clientIds) AS k(sender_id, client_id)
                          ON m.sender_id = k.sender_id AND m.client_message_id = k.client_id""")
                .bindArray("senders", UUID.class, senders)
                .bindArray("clientIds", UUID.class, clientIds)
                .map((rs, ctx) -> Map.entry(
                        new ClientKey(rs.getObject("sender_id", UUID.class), rs.getObject("client_message_id", UUID.class)),
                        new Stored(rs.getObject("id", UUID.class), MessageRows.instant(rs, "created_at"), false,
                                rs.getString("sender_name"))))
                .forEach(e -> result.put(e.getKey(), e.getValue()));
        return result;
    }

    @Override
    public void close() {
        queue.close();
    }
}
