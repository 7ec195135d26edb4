package org.openworldchat.bench;

/**
 * Open-loop sending at a fixed rate, run as an event-loop ticker: on every loop turn it sends
 * however many events are due since the rate was set, so a late turn catches up instead of
 * silently lowering the rate.
 */
final class Pacer implements Runnable {
    private final EventLoop loop;
    private final Runnable sendOne;
    private double ratePerSecond;
    private long startNanos;
    private long base;
    private volatile long sent;

    Pacer(EventLoop loop, Runnable sendOne) {
        this.loop = loop;
        this.sendOne = sendOne;
        loop.addTicker(this);
    }

    void setRate(double perSecond) {
        loop.execute(() -> {
            ratePerSecond = perSecond;
            startNanos = System.nanoTime();
            base = sent;
        });
    }

    long sent() {
        return sent;
    }

    @Override
    public void run() {
        if (ratePerSecond <= 0) {
            return;
        }
        long due = base + (long) ((System.nanoTime() - startNanos) * ratePerSecond / 1e9);
        long s = sent;
        while (s < due) {
            sendOne.run();
            s++;
        }
        sent = s;
    }

    void stop() {
        setRate(0);
        loop.removeTicker(this);
    }
}
