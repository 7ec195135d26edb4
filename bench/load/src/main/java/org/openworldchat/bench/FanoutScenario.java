package org.openworldchat.bench;

/**
 * Fan-out: one room, many receivers, a few senders at a fixed rate, stepped up until the server
 * falls short. Figures:
 * <ul>
 * <li>deliveries/s: NEW_MESSAGE frames counted by all receivers in the measurement window;</li>
 * <li>latency p50/p99/p99.9: probes only, send timestamp (content) to frame arrival;</li>
 * <li>server CPU-seconds per 100k deliveries: utime+stime of the server PID over the window;</li>
 * <li>generator CPU: this process over the window, against the one core its I/O thread can use.</li>
 * </ul>
 */
final class FanoutScenario {
    private final Args a;
    private final Target target;
    private final ProcStat proc;
    private final Results out;

    FanoutScenario(Args a, Target target, ProcStat proc) {
        this.a = a;
        this.target = target;
        this.proc = proc;
        this.out = new Results(target.label(), "fanout");
    }

    /** CPU seconds used so far (or, after {@link #since}, over a window): the server's, the generator's, the machine's. */
    private record CpuTimes(double server, double serverSystem, double generator, double machine,
                            double serverWait, double generatorWait) {

        static CpuTimes read(ProcStat proc, String serverPid) {
            return new CpuTimes(proc.cpuSeconds(serverPid), proc.systemCpuSeconds(serverPid),
                    proc.cpuSeconds(ProcStat.selfPid()), proc.machineBusySeconds(),
                    ProcStat.runQueueWaitSeconds(serverPid), ProcStat.runQueueWaitSeconds(ProcStat.selfPid()));
        }

        CpuTimes since(CpuTimes start) {
            return new CpuTimes(server - start.server, serverSystem - start.serverSystem, generator - start.generator,
                    machine - start.machine, serverWait - start.serverWait, generatorWait - start.generatorWait);
        }
    }

    void run() throws InterruptedException {
        int receivers = a.integer("receivers", 1000);
        int probes = Math.min(a.integer("probes", 10), receivers);
        int senders = a.integer("senders", 10);
        long[] steps = a.longs("steps", "50000,75000,100000,150000,200000,250000,300000,400000,500000");
        double stepSeconds = a.dbl("stepSeconds", 5);
        double warmupSeconds = a.dbl("warmupSeconds", 1.5);
        double p99LimitMs = a.dbl("p99LimitMs", 200);
        double minRatio = a.dbl("minDeliveryRatio", 0.97);
        double genCores = a.dbl("genCores", 1.0);
        double genLimit = a.dbl("genCpuLimit", 0.9);
        Content content = new Content(a.integer("contentChars", 100));

        // Sinks on their own coalescing loop; probes and senders on a prompt one (see EventLoop).
        Counters sinkCounters = new Counters();
        Counters counters = new Counters();
        Latencies latencies = new Latencies();
        try (EventLoop loop = new EventLoop("probes-senders", 1, 0);
                EventLoop sinkLoop = new EventLoop("sinks", 5, a.integer("sinkPollMillis", 25))) {
            int concurrency = a.integer("connectConcurrency", 200);
            Opener probeOpener = new Opener(loop, concurrency);
            Opener sinkOpener = new Opener(sinkLoop, concurrency);
            Receiver receiver = new Receiver(counters, probeOpener, latencies);
            Receiver sinkReceiver = new Receiver(sinkCounters, sinkOpener, null);
            // Servers deliver in join order (Node) or in hash order (ours): a probe that joined
            // first would always be served first. Each probe joins after its share of the sinks,
            // so the probes sit evenly along the delivery order and their latencies represent it.
            int sinks = receivers - probes;
            int sinksOpened = 0;
            for (int k = 0; k < probes; k++) {
                int chunk = (sinks - sinksOpened) / (probes - k);
                sinkOpener.open(chunk,
                        () -> new EioConnection(sinkLoop, sinkReceiver, false, target.host(), target.port(), null));
                sinksOpened += chunk;
                sinkOpener.await(sinksOpened, 120_000);
                probeOpener.open(1, () -> new EioConnection(loop, receiver, true, target.host(), target.port(), null));
                probeOpener.await(k + 1, 120_000);
            }
            if (sinksOpened < sinks) {
                sinkOpener.open(sinks - sinksOpened,
                        () -> new EioConnection(sinkLoop, sinkReceiver, false, target.host(), target.port(), null));
            }
            sinkOpener.await(sinks, 120_000);
            int joined = probeOpener.readyCount() + sinkOpener.readyCount();
            out.put("receivers", joined);
            Results.log("%s: %d receivers joined (%d failed: %s)", target.label(), joined,
                    probeOpener.failedCount() + sinkOpener.failedCount(),
                    sinkCounters.firstClose != null ? sinkCounters.firstClose : counters.firstClose);

            Opener senderOpener = new Opener(loop, senders);
            Guest[] guests = new Guest[senders];
            Guest.AckListener onAck = (g, packet, sentAt) -> {
                if (Acks.ok(packet)) {
                    counters.acked++;
                } else {
                    counters.error(Acks.errorCode(packet));
                }
            };
            int[] next = {0};
            senderOpener.open(senders, () -> {
                Guest g = new Guest(next[0], senderOpener, counters, onAck);
                guests[next[0]++] = g;
                return g.connection(loop, target, null);
            });
            senderOpener.await(senders, 60_000);
            if (senderOpener.readyCount() == 0 || joined == 0) {
                out.put("error", "no senders or receivers: " + counters.firstError + " / " + counters.firstClose);
                return;
            }
            Thread.sleep(1500); // let presence broadcasts of the join burst drain before measuring

            int[] rr = {0};
            Pacer pacer = new Pacer(loop, () -> {
                for (int tries = 0; tries < guests.length; tries++) {
                    Guest g = guests[rr[0]++ % guests.length];
                    if (g != null && g.conn.ready && g.conn.isOpen()) {
                        g.send("SEND_MESSAGE", content.payload(System.nanoTime()));
                        return;
                    }
                }
            });

            // JIT warm-up for every server alike (and for this generator), at the first step's rate.
            pacer.setRate(steps[0] / (double) joined);
            Thread.sleep((long) (a.dbl("preWarmSeconds", 3) * 1000));
            double lastGood = 0;
            String stopReason = "all steps passed";
            for (long rate : steps) {
                pacer.setRate(rate / (double) joined);
                Thread.sleep((long) (warmupSeconds * 1000));
                long d0 = counters.deliveries + sinkCounters.deliveries, s0 = pacer.sent();
                CpuTimes cpu0 = CpuTimes.read(proc, target.pid());
                long t0 = System.nanoTime();
                latencies.reset();
                Thread.sleep((long) (stepSeconds * 1000));
                long d1 = counters.deliveries + sinkCounters.deliveries, s1 = pacer.sent();
                CpuTimes cpu = CpuTimes.read(proc, target.pid()).since(cpu0);
                double secs = (System.nanoTime() - t0) / 1e9;
                Latencies.Snapshot lat = latencies.snapshot();

                long deliveries = d1 - d0;
                long expected = (s1 - s0) * (joined - counters.closedAfterReady - sinkCounters.closedAfterReady);
                double dps = deliveries / secs;
                double ratio = expected == 0 ? 0 : deliveries / (double) expected;
                double cpu100k = deliveries == 0 ? Double.NaN : cpu.server() / deliveries * 100_000;
                double genCpu = cpu.generator() / secs / genCores;
                String status = genCpu > genLimit ? "discarded-generator-saturated"
                        : ratio < minRatio ? "short"
                        : lat.millis(99) > p99LimitMs ? "p99-over-limit"
                        : "ok";
                String k = "step." + rate + ".";
                out.put(k + "dps", dps);
                out.put(k + "delivered_ratio", ratio);
                out.put(k + "p50_ms", lat.millis(50));
                out.put(k + "p99_ms", lat.millis(99));
                out.put(k + "p999_ms", lat.millis(99.9));
                out.put(k + "samples", lat.count());
                out.put(k + "cpu_per_100k", cpu100k);
                out.put(k + "sys_per_100k", deliveries == 0 ? Double.NaN : cpu.serverSystem() / deliveries * 100_000);
                out.put(k + "server_cpu_pct", cpu.server() / secs * 100);
                out.put(k + "gen_cpu_pct", genCpu * 100);
                // Contention: how busy the whole machine was (100% = one CPU), and how long the server's and
                // the generator's threads were runnable but got no CPU.
                double machine = cpu.machine() / secs * 100;
                out.put(k + "machine_busy_pct", machine);
                out.put(k + "server_runq_wait_pct", cpu.serverWait() / secs * 100);
                out.put(k + "gen_runq_wait_pct", cpu.generatorWait() / secs * 100);
                out.put(k + "status", status);
                Results.log("%s %,d/s target: %,.0f deliveries/s (%.1f%%), p50 %.2f p99 %.2f p99.9 %.2f ms, "
                        + "server %.2f CPU-s/100k (%.0f%% CPU, waited %.0f%%), generator %.0f%% of %.1f core "
                        + "(waited %.0f%%), machine busy %.0f%%: %s",
                        target.label(), rate, dps, ratio * 100, lat.millis(50), lat.millis(99), lat.millis(99.9),
                        cpu100k, cpu.server() / secs * 100, cpu.serverWait() / secs * 100, genCpu * 100, genCores,
                        cpu.generatorWait() / secs * 100, machine, status);
                if (rate == steps[0]) {
                    out.put("first_step", rate);
                }
                if (!status.equals("ok")) {
                    stopReason = status + " at " + rate;
                    break;
                }
                lastGood = dps;
            }
            pacer.stop();
            out.put("max_dps", lastGood);
            out.put("stop_reason", stopReason.replace(' ', '_'));
            out.put("frame_bytes", receiver.frameBytes);
            out.put("send_errors", counters.ackErrors);
            if (counters.firstError != null) {
                out.put("first_error", counters.firstError.replace(' ', '_'));
            }
        }
    }
}
