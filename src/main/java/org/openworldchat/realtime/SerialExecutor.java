package org.openworldchat.realtime;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one socket's events one after another, in arrival order, on a shared executor (virtual
 * threads), so that a client's two sends are stored in the order it sent them while other
 * sockets proceed in parallel. Bounded: a socket that piles up more than {@code limit} events
 * gets the next ones refused instead of growing the heap. Fair: a run handles at most
 * {@value #FAIR_SHARE} events and then queues itself again behind everyone else's work. Virtual
 * threads are never preempted, and a flooding socket whose queue never empties (its refusals
 * do not block) would otherwise keep a carrier thread to itself, starving every other socket and
 * the HTTP routes.
 */
final class SerialExecutor implements Executor {

    static final int FAIR_SHARE = 8;

    private final Executor delegate;
    private final int limit;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Runnable onDrained;

    SerialExecutor(Executor delegate, int limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public void execute(Runnable task) {
        if (pending.incrementAndGet() > limit) {
            pending.decrementAndGet();
            throw new RejectedExecutionException("too many events in flight for one socket");
        }
        tasks.add(task);
        schedule();
    }

    /** Events waiting or running. */
    int pending() {
        return pending.get();
    }

    /** Runs {@code action} once, as soon as the backlog is down to an eighth of the limit. */
    void whenDrained(Runnable action) {
        onDrained = action;
        if (pending.get() <= limit / 8) {
            notifyDrained();
        }
    }

    private void notifyDrained() {
        Runnable action = onDrained;
        if (action != null) {
            onDrained = null;
            action.run();
        }
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) {
            try {
                delegate.execute(this::drain);
            } catch (RejectedExecutionException e) {
                running.set(false);
                throw e;
            }
        }
    }

    private void drain() {
        try {
            Runnable task;
            int handled = 0;
            while (handled++ < FAIR_SHARE && (task = tasks.poll()) != null) {
                int left = pending.decrementAndGet();
                task.run();
                if (left <= limit / 8) {
                    notifyDrained();
                }
            }
        } finally {
            running.set(false);
            if (!tasks.isEmpty()) {
                schedule();
            }
        }
    }
}
