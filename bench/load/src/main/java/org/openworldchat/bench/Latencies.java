package org.openworldchat.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds for one measurement window; percentiles by sorting. */
final class Latencies {
    private long[] samples = new long[1 << 16];
    private int count;

    synchronized void record(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    synchronized void reset() {
        count = 0;
    }

    /** Sorted copy of the current window. */
    synchronized Snapshot snapshot() {
        long[] copy = Arrays.copyOf(samples, count);
        Arrays.sort(copy);
        return new Snapshot(copy);
    }

    record Snapshot(long[] sorted) {
        int count() {
            return sorted.length;
        }

        /** Percentile in milliseconds (nearest rank), NaN without samples. */
        double millis(double percentile) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
        }
    }
}
