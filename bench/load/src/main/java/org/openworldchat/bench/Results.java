package org.openworldchat.bench;

import java.util.Locale;

/**
 * Every figure leaves the generator as one line {@code RESULT <key> <value>} on stdout; run.sh
 * collects them into one file, and {@link Report} turns that file into the table.
 */
final class Results {
    private final String prefix;

    Results(String label, String scenario) {
        this.prefix = label + "." + scenario + ".";
    }

    void put(String name, double value) {
        put(name, Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.4f", value));
    }

    void put(String name, long value) {
        put(name, Long.toString(value));
    }

    void put(String name, String value) {
        System.out.println("RESULT " + prefix + name + " " + value);
        System.out.flush();
    }

    static void log(String format, Object... args) {
        System.out.println("  " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
