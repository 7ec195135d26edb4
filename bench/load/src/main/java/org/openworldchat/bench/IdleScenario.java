package org.openworldchat.bench;

/**
 * Idle connections: how many joined sockets one server process holds, and what each costs.
 * Idle = connected, Socket.IO connect ("40") done, JOIN_CHAT acked; afterwards they only answer pings.
 * Memory per connection = (server VmRSS after the connections settled - VmRSS before) / held.
 * "Before" is taken after a warm-up, as in every other scenario: {@code warmupConnections}
 * sockets are opened, joined and closed first, so that what a server spends once on its first
 * connections (compiled code, class data, buffer pools) is not charged to each socket.
 * This process stays below the file-descriptor cap: it opens at most
 * {@code fdCap - (its own open fds) - fdReserve} sockets.
 */
final class IdleScenario {
    private final Args a;
    private final Target target;
    private final Results out;

    IdleScenario(Args a, Target target) {
        this.a = a;
        this.target = target;
        this.out = new Results(target.label(), "idle");
    }

    void run() throws InterruptedException {
        int wanted = a.integer("connections", 19_900);
        int fdCap = a.integer("fdCap", 19_950);
        long settleMillis = (long) (a.dbl("settleSeconds", 5) * 1000);
        int ownFds = ProcStat.openFds(ProcStat.selfPid());
        int connections = Math.min(wanted, fdCap - ownFds - a.integer("fdReserve", 10));
        if (connections < wanted) {
            Results.log("only %d connections fit under %d fds (%d already open)", connections, fdCap, ownFds);
        }

        long openTimeoutMillis = (long) (a.dbl("openTimeoutSeconds", 240) * 1000);
        int warmup = Math.min(a.integer("warmupConnections", 2_000), connections);
        if (warmup > 0) {
            try (EventLoop loop = sinkLoop("idle-warmup")) {
                Opener opener = startOpening(loop, warmup, new Counters());
                opener.await(warmup, openTimeoutMillis);
                Results.log("%s: warm-up: %d sockets joined, now closed", target.label(), opener.readyCount());
            }
            Thread.sleep(settleMillis);
        }
        Thread.sleep(settleMillis / 2);
        long rssBefore = ProcStat.rssKb(target.pid());
        Counters counters = new Counters();
        try (EventLoop loop = sinkLoop("idle-sinks")) {
            long t0 = System.nanoTime();
            Opener opener = startOpening(loop, connections, counters);
            boolean done = opener.await(connections, openTimeoutMillis);
            double openSecs = (System.nanoTime() - t0) / 1e9;
            Results.log("%s: %d joined, %d failed in %.1f s%s (first failure: %s)", target.label(), opener.readyCount(),
                    opener.failedCount(), openSecs, done ? "" : " (timed out)", counters.firstClose);
            Thread.sleep(settleMillis);
            long rssAfter = ProcStat.rssKb(target.pid());
            long held = opener.readyCount() - counters.closedAfterReady;
            out.put("attempted", connections);
            out.put("warmup", warmup);
            out.put("held", held);
            out.put("failed", opener.failedCount());
            out.put("dropped_after_join", counters.closedAfterReady);
            out.put("open_per_s", opener.readyCount() / openSecs);
            out.put("rss_before_kb", rssBefore);
            out.put("rss_after_kb", rssAfter);
            out.put("kb_per_conn", held == 0 ? Double.NaN : (rssAfter - rssBefore) / (double) held);
            out.put("gen_fds", ProcStat.openFds(ProcStat.selfPid()));
            if (counters.firstClose != null) {
                out.put("first_close", counters.firstClose.replace(' ', '_'));
            }
            Results.log("%s: holding %d idle sockets, server RSS %d -> %d KiB = %.2f KiB/conn", target.label(), held,
                    rssBefore, rssAfter, (rssAfter - rssBefore) / (double) Math.max(1, held));
        }
    }

    private EventLoop sinkLoop(String name) {
        return new EventLoop(name, 50, a.integer("sinkPollMillis", 25));
    }

    /** Starts opening and joining {@code count} sockets on {@code loop}; await them on the returned opener. */
    private Opener startOpening(EventLoop loop, int count, Counters counters) {
        Opener opener = new Opener(loop, a.integer("connectConcurrency", 200));
        Receiver receiver = new Receiver(counters, opener, null);
        opener.open(count, () -> new EioConnection(loop, receiver, false, target.host(), target.port(), null));
        return opener;
    }
}
