package org.openworldchat.bench;

import java.util.function.Supplier;

/**
 * Opens many connections with at most {@code concurrency} of them still setting up (TCP connect,
 * upgrade, Socket.IO connect, first event), so that neither side's accept queue overflows and
 * the figures are not about SYN retries. The scenario's handler reports each connection as
 * {@link #ready} or {@link #failed}.
 */
final class Opener {
    private final EventLoop loop;
    private final int concurrency;
    private Supplier<EioConnection> factory;
    private int target;
    private int started;
    private volatile int ready;
    private volatile int failed;

    Opener(EventLoop loop, int concurrency) {
        this.loop = loop;
        this.concurrency = concurrency;
    }

    void open(int count, Supplier<EioConnection> connectionFactory) {
        loop.execute(() -> {
            factory = connectionFactory;
            target += count;
            startMore();
        });
    }

    /** Loop thread. */
    void ready() {
        ready++;
        startMore();
    }

    /** Loop thread. */
    void failed() {
        failed++;
        startMore();
    }

    private void startMore() {
        while (started < target && started - ready - failed < concurrency) {
            started++;
            factory.get().connect();
        }
    }

    int readyCount() {
        return ready;
    }

    int failedCount() {
        return failed;
    }

    /** Waits until every requested connection is ready or failed; false on timeout. */
    boolean await(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (ready + failed < count) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
