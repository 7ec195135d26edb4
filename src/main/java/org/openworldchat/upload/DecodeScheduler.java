package org.openworldchat.upload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.RateLimitedException;
import org.openworldchat.ratelimit.AddressKey;

/**
 * Shares the image decoder between client addresses. A decode holds a core and a raster for up
 * to a second or two, and only {@code permits} run at once; with one queue in arrival order, six
 * addresses sending heavy images kept a seventh address's photo waiting for all of theirs (5.4 s).
 * Here the next free permit goes to the waiting decode whose address has used the decoder least
 * lately (decode time, decaying with a {@link #HALF_LIFE}), so a newcomer waits for at most the
 * decodes already running, however many an address has queued. An address may have at most
 * {@code maxWaitingPerAddress} decodes waiting (more are refused {@code RATE_LIMITED}), and no
 * decode waits longer than {@code maxWait} ({@code SERVICE_UNAVAILABLE}).
 *
 * <p>Decodes run on {@code permits} platform threads of their own, never on the caller's virtual
 * thread: a decode does not yield its carrier, so two of them on the shared virtual-thread
 * scheduler (one carrier per core) held back every other event and request of the node until
 * they ended. Here the operating system shares the cores between the decoders and the rest.
 */
final class DecodeScheduler implements AutoCloseable {

    static final Duration HALF_LIFE = Duration.ofSeconds(30);
    /** Addresses remembered at most; idle ones (nothing running or waiting) are forgotten first. */
    static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final int permits;
    private final int maxWaitingPerAddress;
    private final long maxWaitNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Usage> usage = new HashMap<>();
    private final List<Waiter> waiting = new ArrayList<>();
    private final ExecutorService decoders;
    private int running;
    private long arrivals;

    DecodeScheduler(int permits, int maxWaitingPerAddress, Duration maxWait, LongSupplier nanoTime) {
        this.permits = permits;
        this.decoders = Executors.newFixedThreadPool(Math.max(1, permits),
                Thread.ofPlatform().name("image-decoder-", 0).daemon(true).factory());
        this.maxWaitingPerAddress = maxWaitingPerAddress;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Runs {@code decode} once it is this address's turn, and counts its time against the address. */
    <T> T run(AddressKey address, Supplier<T> decode) {
        Usage used = admit(address.host());
        long started = nanoTime.getAsLong();
        try {
            return decoders.submit(decode::get).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE.defaultMessage(), e);
        } finally {
            finish(used, nanoTime.getAsLong() - started);
        }
    }

    /** Lets the decoder threads end once the decodes in hand are done. */
    @Override
    public void close() {
        decoders.shutdown();
    }

    /** Decodes waiting for a permit now. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private Usage admit(String address) {
        lock.lock();
        try {
            Usage used = usage.computeIfAbsent(address, a -> new Usage());
            if (running < permits && waiting.isEmpty()) {
                start(used);
                return used;
            }
            if (used.waiting >= maxWaitingPerAddress) {
                throw new RateLimitedException(Duration.ofSeconds(1));
            }
            Waiter me = new Waiter(used, arrivals++, lock.newCondition());
            waiting.add(me);
            used.waiting++;
            try {
                long left = maxWaitNanos;
                while (!me.admitted) {
                    if (left <= 0) {
                        throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "Images are being checked for other people; try again");
                    }
                    left = me.turn.awaitNanos(left);
                }
                return used;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE.defaultMessage(), e);
            } finally {
                if (!me.admitted) {
                    waiting.remove(me);
                    used.waiting--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void finish(Usage used, long elapsedNanos) {
        lock.lock();
        try {
            running--;
            used.running--;
            used.add(elapsedNanos, nanoTime.getAsLong());
            admitNext();
            forgetIdleAddresses();
        } finally {
            lock.unlock();
        }
    }

    /** Hands free permits to the waiters of the least busy addresses. */
    private void admitNext() {
        long now = nanoTime.getAsLong();
        while (running < permits && !waiting.isEmpty()) {
            Waiter next = waiting.stream().min(Comparator
                    .comparingInt((Waiter w) -> w.usage.running)
                    .thenComparingDouble(w -> w.usage.recent(now))
                    .thenComparingLong(w -> w.arrival)).orElseThrow();
            waiting.remove(next);
            next.usage.waiting--;
            next.admitted = true;
            start(next.usage);
            next.turn.signal();
        }
    }

    private void start(Usage used) {
        running++;
        used.running++;
    }

    private void forgetIdleAddresses() {
        if (usage.size() <= MAX_TRACKED_ADDRESSES) {
            return;
        }
        long now = nanoTime.getAsLong();
        usage.values().removeIf(u -> u.idle() && u.recent(now) < TimeUnit.MILLISECONDS.toNanos(1));
        if (usage.size() > MAX_TRACKED_ADDRESSES) {
            usage.values().removeIf(Usage::idle);
        }
    }

    /** How much an address has used the decoder lately, and what it has running and waiting now. */
    private static final class Usage {
        int running;
        int waiting;
        private double recentNanos;
        private long updatedAt;

        void add(long elapsedNanos, long now) {
            recentNanos = recent(now) + elapsedNanos;
            updatedAt = now;
        }

        double recent(long now) {
            return recentNanos * Math.pow(0.5, (double) (now - updatedAt) / HALF_LIFE.toNanos());
        }

        boolean idle() {
            return running == 0 && waiting == 0;
        }
    }

    private static final class Waiter {
        final Usage usage;
        final long arrival;
        final Condition turn;
        boolean admitted;

        Waiter(Usage usage, long arrival, Condition turn) {
            this.usage = usage;
            this.arrival = arrival;
            this.turn = turn;
        }
    }
}
