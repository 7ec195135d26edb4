package org.openworldchat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the RESULT lines of one run into the side-by-side table, prints it and writes it into
 * BENCHMARKS.md between the LAST RUN markers. Labels: {@code ours}, {@code node} (socket.io peer),
 * {@code ws} (bare ws peer), {@code ours_batch} / {@code ours_nobatch} (write path).
 */
final class Report {
    static final String BEGIN = "<!-- BEGIN LAST RUN -->";
    static final String END = "<!-- END LAST RUN -->";

    private final Path resultsFile;
    private final Path machineFile;
    private final Path benchmarks;
    private final Map<String, String> r = new LinkedHashMap<>();
    private final List<String> rows = new ArrayList<>();

    Report(Path results, Path machine, Path benchmarks) {
        this.resultsFile = results;
        this.machineFile = machine;
        this.benchmarks = benchmarks;
    }

    void write() throws IOException {
        for (String line : Files.readAllLines(resultsFile)) {
            String[] p = line.replaceFirst("^RESULT ", "").trim().split(" ", 2);
            if (p.length == 2) {
                r.put(p[0], p[1]);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n\n");
        for (String line : Files.readAllLines(machineFile)) {
            md.append("- ").append(line).append('\n');
        }
        md.append('\n').append(table()).append('\n').append(notes()).append('\n').append(END);
        System.out.println(md);
        if (Files.exists(benchmarks)) {
            String doc = Files.readString(benchmarks);
            int b = doc.indexOf(BEGIN);
            int e = doc.indexOf(END);
            String updated = b >= 0 && e > b
                    ? doc.substring(0, b) + md + doc.substring(e + END.length())
                    : doc + "\n## Last run\n\n" + md + "\n";
            Files.writeString(benchmarks, updated);
        }
    }

    private String table() {
        rows.clear();
        rows.add("| Figure | Ours | Node socket.io | Bare ws | Ours / Node | Goal | Met? |");
        rows.add("|---|---:|---:|---:|---:|---|---|");
        String receivers = r.getOrDefault("ours.fanout.receivers", "?");
        fanoutRow("Fan-out at " + kilo(first("ours")) + " deliveries/s: measured deliveries/s", "dps", "%,.0f", "", null);
        fanoutRow("Fan-out at that rate: latency p50 (ms)", "p50_ms", "%.2f", "", null);
        fanoutRow("Fan-out at that rate: latency p99 (ms)", "p99_ms", "%.2f", "≤ 10 ms",
                v -> v[0] <= 10);
        fanoutRow("Fan-out at that rate: latency p99.9 (ms)", "p999_ms", "%.2f", "", null);
        fanoutRow("Fan-out at that rate: server CPU-s per 100k deliveries", "cpu_per_100k", "%.3f",
                "≤ 0.6, ≤ 0.4× Node, below bare ws", v -> v[0] <= 0.6 && v[0] <= 0.4 * v[1] && v[0] < v[2]);
        fanoutRow("… of which in the kernel (stime: TCP sends on loopback)", "sys_per_100k", "%.3f", "", null);
        String[] max = new String[3];
        double[] maxV = new double[3];
        String[] labels = {"ours", "node", "ws"};
        for (int i = 0; i < 3; i++) {
            maxV[i] = num(labels[i] + ".fanout.max_dps");
            String stop = r.getOrDefault(labels[i] + ".fanout.stop_reason", "");
            max[i] = Double.isNaN(maxV[i]) ? "—"
                    : maxV[i] == 0 ? "< " + kilo(first(labels[i])) + " (the first step failed)"
                    : fmt("%,.0f", maxV[i]) + (stop.startsWith("discarded") ? " (≥, generator-bound)"
                    : stop.startsWith("all") ? " (≥, every step passed)" : "");
        }
        row("Fan-out: max sustained deliveries/s (" + receivers + " receivers)", max[0], max[1], max[2],
                ratio(maxV[0], maxV[1]), "≥ 150k", met(maxV[0] >= 150_000, maxV[0]));

        double heldO = num("ours.idle.held");
        double heldN = num("node.idle.held");
        row("Idle sockets held on one node (of " + r.getOrDefault("ours.idle.attempted", "?") + " opened)",
                fmt("%,.0f", heldO), fmt("%,.0f", heldN), "—", ratio(heldO, heldN), "19,900", met(heldO >= 19_900, heldO));
        double kbO = num("ours.idle.kb_per_conn");
        double kbN = num("node.idle.kb_per_conn");
        row("Memory per idle connection (KiB, RSS delta / held)", fmt("%.2f", kbO), fmt("%.2f", kbN), "—",
                ratio(kbO, kbN), "≤ 8 KB", met(kbO <= 8, kbO));

        double wb = num("ours_batch.write.closed_per_s");
        double wu = num("ours_nobatch.write.closed_per_s");
        double pb = num("ours_batch.write.open_p99_ms");
        double pu = num("ours_nobatch.write.open_p99_ms");
        row("Write: persisted messages/s, batched (closed loop, " + r.getOrDefault("ours_batch.write.guests", "?") + " guests)",
                fmt("%,.0f", wb), "—", "—", "", "≥ 10k/s", met(wb >= 10_000, wb));
        row("Write: ack p99 at 50% of that rate, batched (ms)", fmt("%.1f", pb), "—", "—", "", "≤ 30 ms", met(pb <= 30, pb));
        row("Write: persisted messages/s, unbatched (MESSAGE_WRITE_BATCH=1)", fmt("%,.0f", wu), "—", "—", "", "", "");
        row("Write: ack p99 at 50% of that rate, unbatched (ms)", fmt("%.1f", pu), "—", "—", "", "", "");
        row("Write: batched / unbatched messages/s", fmt("%.1f×", wb / wu), "—", "—", "", "≥ 10×", met(wb / wu >= 10, wb / wu));
        row("Write: acked messages found in the database (SQL count)", persisted("ours_batch") + "; unbatched: "
                + persisted("ours_nobatch"), "—", "—", "", "all", met(persistedOk("ours_batch") && persistedOk("ours_nobatch"), wb));

        double tg = num("ours.reactions.toggles_per_s");
        double lost = num("ours.reactions.lost_updates");
        row("Reactions: toggles/s on one message (" + r.getOrDefault("ours.reactions.guests", "?") + " guests, closed loop)",
                fmt("%,.0f", tg), "—", "—", "", "≥ 5k/s", met(tg >= 5_000, tg));
        row("Reactions: lost updates (stored vs odd toggle counts)", fmt("%.0f", lost), "—", "—", "", "0", met(lost == 0, lost));
        return String.join("\n", rows) + "\n";
    }

    private String notes() {
        StringBuilder n = new StringBuilder();
        for (String label : new String[] {"ours", "node", "ws"}) {
            String k = label + ".fanout.";
            if (!r.containsKey(k + "receivers")) {
                continue;
            }
            n.append(String.format(Locale.ROOT, "- Fan-out steps, %s (NEW_MESSAGE frame %s bytes): ", name(label),
                    r.getOrDefault(k + "frame_bytes", "?")));
            List<String> steps = new ArrayList<>();
            for (Map.Entry<String, String> e : r.entrySet()) {
                if (e.getKey().startsWith(k + "step.") && e.getKey().endsWith(".status")) {
                    String s = e.getKey().substring(0, e.getKey().length() - "status".length());
                    steps.add(String.format(Locale.ROOT, "%s → %s/s, p99 %s ms, server CPU %s%% (run-queue wait %s%%), "
                            + "generator %s%%, machine %s%%: %s",
                            kilo(s.substring((k + "step.").length(), s.length() - 1)), fmt("%,.0f", num(s + "dps")),
                            fmt("%.1f", num(s + "p99_ms")), fmt("%.0f", num(s + "server_cpu_pct")),
                            fmt("%.0f", num(s + "server_runq_wait_pct")), fmt("%.0f", num(s + "gen_cpu_pct")),
                            fmt("%.0f", num(s + "machine_busy_pct")), e.getValue()));
                }
            }
            n.append(String.join("; ", steps)).append('\n');
        }
        for (String label : new String[] {"ours", "node"}) {
            String k = label + ".idle.";
            if (r.containsKey(k + "held")) {
                n.append(String.format(Locale.ROOT, "- Idle, %s: after %s sockets opened and closed as a warm-up, "
                        + "%s of %s sockets joined at %s/s, %s dropped after joining, "
                        + "server RSS %s → %s KiB%s\n", name(label), r.getOrDefault(k + "warmup", "0"),
                        r.get(k + "held"), r.get(k + "attempted"),
                        fmt("%,.0f", num(k + "open_per_s")), r.get(k + "dropped_after_join"), r.get(k + "rss_before_kb"),
                        r.get(k + "rss_after_kb"), r.containsKey(k + "first_close") ? "; first failure: " + r.get(k + "first_close") : ""));
            }
        }
        for (String label : new String[] {"ours_batch", "ours_nobatch"}) {
            String k = label + ".write.";
            if (r.containsKey(k + "closed_per_s")) {
                n.append(String.format(Locale.ROOT, "- Write, %s: closed loop ack p50 %s / p99 %s ms; open loop at %s/s "
                        + "(achieved %s/s) ack p50 %s / p99 %s / p99.9 %s ms\n",
                        label.equals("ours_batch") ? "batched" : "unbatched", fmt("%.1f", num(k + "closed_p50_ms")),
                        fmt("%.1f", num(k + "closed_p99_ms")), fmt("%,.0f", num(k + "open_target_per_s")),
                        fmt("%,.0f", num(k + "open_per_s")), fmt("%.1f", num(k + "open_p50_ms")),
                        fmt("%.1f", num(k + "open_p99_ms")), fmt("%.1f", num(k + "open_p999_ms"))));
            }
        }
        if (r.containsKey("ours.reactions.ack_p99_ms")) {
            n.append(String.format(Locale.ROOT, "- Reactions: ack p50 %s / p99 %s ms in the closed loop; %s toggles acked\n",
                    fmt("%.1f", num("ours.reactions.ack_p50_ms")), fmt("%.1f", num("ours.reactions.ack_p99_ms")),
                    r.get("ours.reactions.toggles_total")));
        }
        String[] errs = {"ours.fanout.send_errors", "ours_batch.write.errors", "ours_nobatch.write.errors",
            "ours.reactions.errors", "ours.reactions.unacked", "ours_batch.write.unacked", "ours_nobatch.write.unacked"};
        List<String> e = new ArrayList<>();
        for (String k : errs) {
            if (r.containsKey(k) && num(k) > 0) {
                String fe = r.get(k.replaceAll("\\.(errors|unacked|send_errors)$", ".first_error"));
                e.add(k + " = " + r.get(k) + (fe == null ? "" : " (" + fe + ")"));
            }
        }
        if (!e.isEmpty()) {
            n.append("- Refused or unanswered events: ").append(String.join("; ", e)).append('\n');
        }
        return n.toString();
    }

    private interface Goal {
        boolean test(double[] oursNodeWs);
    }

    private void fanoutRow(String figure, String field, String format, String goal, Goal check) {
        String[] labels = {"ours", "node", "ws"};
        double[] v = new double[3];
        String[] cell = new String[3];
        for (int i = 0; i < 3; i++) {
            String k = labels[i] + ".fanout.step." + first(labels[i]) + ".";
            v[i] = num(k + field);
            String status = r.getOrDefault(k + "status", "");
            cell[i] = fmt(format, v[i]) + (status.isEmpty() || status.equals("ok") ? "" : " (" + status + ")");
        }
        row(figure, cell[0], cell[1], cell[2], ratio(v[0], v[1]), goal, check == null ? "" : met(check.test(v), v[0]));
    }

    /** The fixed-rate comparison: the 50k step when it ran, else the first step. */
    private String first(String label) {
        return r.containsKey(label + ".fanout.step.50000.status") ? "50000"
                : r.getOrDefault(label + ".fanout.first_step", "50000");
    }

    private String persisted(String label) {
        return fmt("%,.0f", num(label + ".write.stored")) + " of " + fmt("%,.0f", num(label + ".write.acked_total"));
    }

    private boolean persistedOk(String label) {
        return num(label + ".write.stored") >= num(label + ".write.acked_total");
    }

    private void row(String figure, String ours, String node, String ws, String ratio, String goal, String met) {
        rows.add("| " + String.join(" | ", figure, ours, node, ws, ratio, goal, met) + " |");
    }

    private static String met(boolean ok, double measured) {
        return Double.isNaN(measured) ? "not measured" : ok ? "met" : "not met";
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "" : fmt("%.2f×", a / b);
    }

    private double num(String key) {
        try {
            return Double.parseDouble(r.getOrDefault(key, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String fmt(String format, double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format(Locale.ROOT, format, v);
    }

    private static String kilo(String deliveries) {
        try {
            long v = Long.parseLong(deliveries);
            return v % 1000 == 0 ? (v / 1000) + "k" : Long.toString(v);
        } catch (NumberFormatException e) {
            return deliveries;
        }
    }

    private static String name(String label) {
        return switch (label) {
            case "ours" -> "ours";
            case "node" -> "Node socket.io";
            default -> "bare ws";
        };
    }
}
