package org.openworldchat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One selector thread that owns its connections: everything that touches a connection runs here
 * (no locking), other threads hand work over with {@link #execute}.
 * <p>
 * With {@code coalesceMillis > 0} the loop sleeps that long after each round, so that every read
 * picks up several frames at once. Sinks use this: it divides the generator's syscalls per
 * delivery several times over, and costs the server nothing (a few KiB wait in the kernel's
 * receive buffer, far below any window limit). Probes and senders stay on a loop without it, so
 * latencies are not delayed.
 */
final class EventLoop implements AutoCloseable {
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Runnable> tickers = new CopyOnWriteArrayList<>();
    /** Shared by all connections: data is consumed (counted or copied) before the next read. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final long selectTimeoutMillis;
    private final long coalesceMillis;
    private volatile boolean running = true;

    EventLoop(String name, long selectTimeoutMillis, long coalesceMillis) {
        this.selectTimeoutMillis = selectTimeoutMillis;
        this.coalesceMillis = coalesceMillis;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs on every loop turn (at least every select timeout): used for send pacing. */
    void addTicker(Runnable ticker) {
        tickers.add(ticker);
    }

    void removeTicker(Runnable ticker) {
        tickers.remove(ticker);
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        while (running) {
            try {
                selector.select(selectTimeoutMillis);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    ((EioConnection) key.attachment()).onReady(key);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (Runnable ticker : tickers) {
                    ticker.run();
                }
                if (coalesceMillis > 0) {
                    Thread.sleep(coalesceMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        }
    }

    @Override
    public void close() {
        execute(() -> {
            for (SelectionKey key : selector.keys()) {
                ((EioConnection) key.attachment()).close("generator shutting down");
            }
            running = false;
        });
        try {
            thread.join(10_000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // nothing left to do with a selector that will not close
        }
    }
}
