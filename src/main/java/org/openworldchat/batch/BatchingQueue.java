package org.openworldchat.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.openworldchat.contract.ErrorMapper;
import org.openworldchat.contract.ServiceUnavailableException;

/**
 * A bounded queue drained by one thread that hands over whatever has accumulated, up to
 * {@code maxBatch} items, in arrival order. Under load many requests share one database round trip
 * and one commit; when idle an item is handled alone at once, so batching adds no wait.
 */
public final class BatchingQueue<T> implements AutoCloseable {

    private final int maxBatch;
    private final BlockingQueue<T> queue;
    private final Consumer<List<T>> handler;
    private final BatchObserver observer;
    private final String name;
    private final Thread thread;
    private volatile boolean open = true;

    /** {@code handler} runs on the queue's own thread and must not throw. */
    public BatchingQueue(String name, int maxBatch, int capacity, Consumer<List<T>> handler, BatchObserver observer) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.handler = handler;
        this.observer = observer;
        this.name = name;
        this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
    }

    /**
     * Queues an item; a full queue or a closing server refuses it with
     * {@link ServiceUnavailableException} rather than letting callers pile up.
     */
    public void offer(T item) {
        if (!open) {
            throw new ServiceUnavailableException("the server is shutting down", null);
        }
        if (!queue.offer(item)) {
            throw new ServiceUnavailableException("the write queue is full", null);
        }
    }

    private void run() {
        List<T> batch = new ArrayList<>(maxBatch);
        while (open || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                long started = System.nanoTime();
                handler.accept(batch);
                observer.handled(name, batch.size(), Duration.ofNanos(System.nanoTime() - started));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** Waits for a queued item's outcome, turning a timeout into {@link ServiceUnavailableException}. */
    public static <R> R await(CompletableFuture<R> pending, long timeoutMillis) {
        try {
            return pending.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ServiceUnavailableException("the write did not complete in time", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while writing", e);
        }
    }

    /**
     * The outcome of a queued item without blocking for it: a timeout becomes
     * {@link ServiceUnavailableException}, as in {@link #await}.
     */
    public static <R> CompletableFuture<R> within(CompletableFuture<R> pending, long timeoutMillis) {
        return pending.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).exceptionallyCompose(failure -> {
            Throwable cause = ErrorMapper.unwrap(failure);
            return CompletableFuture.failedFuture(cause instanceof TimeoutException
                    ? new ServiceUnavailableException("the write did not complete in time", cause) : cause);
        });
    }

    /** Stops taking items and handles those already queued (waiting up to 10 s). */
    @Override
    public void close() {
        open = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
