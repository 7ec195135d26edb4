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
        try {
            schedule();
        } catch (RejectedExecutionException stopping) {
            // The caller answers the refusal itself: the task must not run later as well.
            if (tasks.remove(task)) {
                pending.decrementAndGet();
            }
            throw stopping;
        }
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

    /**
     * Runs up to {@value #FAIR_SHARE} events, then queues the rest behind everyone else's work.
     * When the shared executor refuses that (the server is stopping), the rest runs here and now:
     * an event this socket accepted is answered, never left in the queue.
     */
    private void drain() {
        do {
            try {
                Runnable task;
                int handled = 0;
                while (handled++ < FAIR_SHARE && (task = tasks.poll()) != null) {
                    int left = pending.decrementAndGet();
                    runReporting(task);
                    if (left <= limit / 8) {
                        notifyDrained();
                    }
                }
            } finally {
                running.set(false);
            }
        } while (handOver());
    }

    /** Queues what is left as a new turn; true when the shared executor refused and this thread goes on. */
    private boolean handOver() {
        if (tasks.isEmpty() || !running.compareAndSet(false, true)) {
            return false;
        }
        try {
            delegate.execute(this::drain);
            return false;
        } catch (RejectedExecutionException stopping) {
            return true;
        }
    }

    /** A failing task is reported as an uncaught exception would be, and the queue goes on. */
    private static void runReporting(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            Thread current = Thread.currentThread();
            current.getUncaughtExceptionHandler().uncaughtException(current, e);
        }
    }
}
