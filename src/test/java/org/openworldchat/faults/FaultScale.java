package org.openworldchat.faults;

/**
 * How hard the fault suite pushes: a short version runs with every {@code mvn verify} (CI), the
 * full one with {@code faults/run.sh} ({@code -Dowc.faults=full}).
 */
final class FaultScale {

    private FaultScale() {
    }

    static boolean full() {
        return "full".equals(System.getProperty("owc.faults"));
    }

    /** Concurrent senders. */
    static int senders() {
        return full() ? 300 : 40;
    }

    /** How long load runs before and after the fault, in milliseconds. */
    static long phaseMillis() {
        return full() ? 5_000 : 1_500;
    }
}
