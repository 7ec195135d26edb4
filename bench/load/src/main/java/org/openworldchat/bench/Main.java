package org.openworldchat.bench;

import java.nio.file.Path;

/**
 * The load generator. {@code java -jar owc-bench-load.jar <scenario> key=value...}; scenarios:
 * fanout, idle, write, reactions (against a running server), and report (turns collected
 * RESULT lines into the table in BENCHMARKS.md).
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: <fanout|idle|write|reactions|report> key=value...");
            System.exit(2);
        }
        Args a = new Args(argv, 1);
        ProcStat proc = new ProcStat(a.integer("clkTck", 100));
        switch (argv[0]) {
            case "fanout" -> new FanoutScenario(a, Target.from(a), proc).run();
            case "idle" -> new IdleScenario(a, Target.from(a)).run();
            case "write" -> new WriteScenario(a, Target.from(a)).run();
            case "reactions" -> new ReactionScenario(a, Target.from(a)).run();
            case "report" -> new Report(Path.of(a.str("results", "results.txt")), Path.of(a.str("machine", "machine.txt")),
                    Path.of(a.str("benchmarks", "BENCHMARKS.md"))).write();
            default -> {
                System.err.println("unknown scenario " + argv[0]);
                System.exit(2);
            }
        }
        System.exit(0);
    }
}
