package org.openworldchat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process, read from /proc. Server figures (CPU per 100k
 * deliveries, memory per connection) and the generator's own saturation check come from here.
 */
final class ProcStat {
    private final long clockTicksPerSecond;

    ProcStat(long clockTicksPerSecond) {
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    /** utime + stime of the process (all its threads), in seconds. */
    double cpuSeconds(String pid) {
        long[] t = ticks(pid);
        return t == null ? Double.NaN : (t[0] + t[1]) / (double) clockTicksPerSecond;
    }

    /** stime alone: the part spent in the kernel (for a fan-out, mostly sending on TCP sockets). */
    double systemCpuSeconds(String pid) {
        long[] t = ticks(pid);
        return t == null ? Double.NaN : t[1] / (double) clockTicksPerSecond;
    }

    private static long[] ticks(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // The command name (field 2) may contain spaces; fields are counted after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Seconds the process's threads spent runnable but waiting for a CPU (sum of the second field of
     * /proc/PID/task/TID/schedstat). High values mean the machine was oversubscribed: other work,
     * not the process itself, set the pace.
     */
    static double runQueueWaitSeconds(String pid) {
        double total = 0;
        try (var tasks = Files.list(Path.of("/proc", pid, "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
                    total += Long.parseLong(f[1]) / 1e9;
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return total;
    }

    /** CPU seconds the whole machine spent busy (all CPUs; /proc/stat), to see how much other work ran. */
    double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(f[i]);
            }
            return busy / (double) clockTicksPerSecond;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** VmRSS in KiB, or -1 when the process is gone. */
    static long rssKb(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return -1;
    }

    static String selfPid() {
        return Long.toString(ProcessHandle.current().pid());
    }

    static int openFds(String pid) {
        try (var s = Files.list(Path.of("/proc", pid, "fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
