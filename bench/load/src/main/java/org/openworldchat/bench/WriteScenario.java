package org.openworldchat.bench;

/**
 * Write path (our server only): SEND_MESSAGE acks, which the server sends only after the message
 * is committed to PostgreSQL. Two phases against the same server:
 * <ol>
 * <li>closed loop: every guest keeps {@code inflight} sends outstanding for {@code closedSeconds};
 * persisted messages/s = acks with ok:true per second of the window;</li>
 * <li>open loop at {@code openFraction} (50%) of that rate: ack latency p50/p99/p99.9.</li>
 * </ol>
 * {@code acked_total} is compared with {@code SELECT count(*) FROM messages} by run.sh.
 */
final class WriteScenario {
    private final Args a;
    private final Target target;
    private final Results out;
    private volatile boolean closedLoop;

    WriteScenario(Args a, Target target) {
        this.a = a;
        this.target = target;
        this.out = new Results(target.label(), "write");
    }

    void run() throws InterruptedException {
        int guestCount = a.integer("guests", 200);
        int inflight = a.integer("inflight", 4);
        double closedSeconds = a.dbl("closedSeconds", 8);
        double openSeconds = a.dbl("openSeconds", 5);
        double warmupSeconds = a.dbl("warmupSeconds", 1);
        double openFraction = a.dbl("openFraction", 0.5);
        Content content = new Content(a.integer("contentChars", 100));

        Counters counters = new Counters();
        Latencies latencies = new Latencies();
        try (EventLoop loop = new EventLoop("writers", 1, 0)) {
            Opener opener = new Opener(loop, 50);
            Guest[] guests = new Guest[guestCount];
            Guest.AckListener onAck = (g, packet, sentAt) -> {
                if (Acks.ok(packet)) {
                    counters.acked++;
                    latencies.record(System.nanoTime() - sentAt);
                } else {
                    counters.error(Acks.errorCode(packet));
                }
                if (closedLoop && g.inFlight() < inflight) {
                    send(g, content, counters);
                }
            };
            int[] next = {0};
            opener.open(guestCount, () -> {
                Guest g = new Guest(next[0], opener, counters, onAck);
                guests[next[0]++] = g;
                return g.connection(loop, target, null);
            });
            opener.await(guestCount, 60_000);
            Results.log("%s: %d writers ready (%d failed: %s %s)", target.label(), opener.readyCount(),
                    opener.failedCount(), counters.firstError, counters.firstClose);

            // Phase 1: closed loop.
            closedLoop = true;
            loop.execute(() -> {
                for (Guest g : guests) {
                    if (g != null && g.conn.ready) {
                        for (int i = 0; i < inflight; i++) {
                            send(g, content, counters);
                        }
                    }
                }
            });
            Thread.sleep((long) (warmupSeconds * 1000));
            long a0 = counters.acked;
            long t0 = System.nanoTime();
            latencies.reset();
            Thread.sleep((long) (closedSeconds * 1000));
            double closedRate = (counters.acked - a0) / ((System.nanoTime() - t0) / 1e9);
            Latencies.Snapshot closedLat = latencies.snapshot();
            closedLoop = false;
            drain(counters);
            out.put("guests", opener.readyCount());
            out.put("closed_per_s", closedRate);
            out.put("closed_p50_ms", closedLat.millis(50));
            out.put("closed_p99_ms", closedLat.millis(99));
            Results.log("%s closed loop (%d guests x %d in flight): %,.0f persisted msgs/s, ack p50 %.1f p99 %.1f ms",
                    target.label(), opener.readyCount(), inflight, closedRate, closedLat.millis(50), closedLat.millis(99));

            // Phase 2: open loop at a fraction of the closed-loop rate.
            double rate = closedRate * openFraction;
            int[] rr = {0};
            Pacer pacer = new Pacer(loop, () -> {
                for (int tries = 0; tries < guests.length; tries++) {
                    Guest g = guests[rr[0]++ % guests.length];
                    if (g != null && g.conn.ready && g.conn.isOpen()) {
                        send(g, content, counters);
                        return;
                    }
                }
            });
            pacer.setRate(rate);
            Thread.sleep((long) (warmupSeconds * 1000));
            a0 = counters.acked;
            t0 = System.nanoTime();
            latencies.reset();
            Thread.sleep((long) (openSeconds * 1000));
            double openRate = (counters.acked - a0) / ((System.nanoTime() - t0) / 1e9);
            Latencies.Snapshot openLat = latencies.snapshot();
            pacer.stop();
            long unacked = drain(counters);
            out.put("open_target_per_s", rate);
            out.put("open_per_s", openRate);
            out.put("open_p50_ms", openLat.millis(50));
            out.put("open_p99_ms", openLat.millis(99));
            out.put("open_p999_ms", openLat.millis(99.9));
            out.put("acked_total", counters.acked);
            out.put("errors", counters.ackErrors);
            out.put("unacked", unacked);
            if (counters.firstError != null) {
                out.put("first_error", counters.firstError.replace(' ', '_'));
            }
            Results.log("%s open loop at %,.0f/s: %,.0f acked/s, ack p50 %.1f p99 %.1f p99.9 %.1f ms; "
                    + "%d acked in total, %d errors (%s), %d unanswered", target.label(), rate, openRate,
                    openLat.millis(50), openLat.millis(99), openLat.millis(99.9), counters.acked, counters.ackErrors,
                    counters.firstError, unacked);
        }
    }

    private static void send(Guest g, Content content, Counters counters) {
        g.send("SEND_MESSAGE", content.payload(System.nanoTime()));
        counters.sent++;
    }

    /** Waits (up to 15 s) until every send is answered; returns how many were not. */
    static long drain(Counters counters) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (counters.sent - counters.acked - counters.ackErrors > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return counters.sent - counters.acked - counters.ackErrors;
    }
}
