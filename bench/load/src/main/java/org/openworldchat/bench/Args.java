package org.openworldchat.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** {@code key=value} command-line options with defaults. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args, int from) {
        for (String a : Arrays.copyOfRange(args, from, args.length)) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            values.put(a.substring(0, eq), a.substring(eq + 1));
        }
    }

    String str(String key, String def) {
        return values.getOrDefault(key, def);
    }

    int integer(String key, int def) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : def;
    }

    double dbl(String key, double def) {
        return values.containsKey(key) ? Double.parseDouble(values.get(key)) : def;
    }

    long[] longs(String key, String def) {
        return Arrays.stream(str(key, def).split(",")).mapToLong(Long::parseLong).toArray();
    }
}
