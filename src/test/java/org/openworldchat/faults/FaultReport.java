package org.openworldchat.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Collectors;

/** Appends one line per scenario to {@code target/faults/report.md}, which faults/run.sh publishes. */
final class FaultReport {

    static final Path FILE = Path.of("target", "faults", "report.md");

    private FaultReport() {
    }

    static synchronized void record(String scenario, Map<String, ?> figures) {
        String line = "| " + scenario + " | " + figures.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")) + " |\n";
        try {
            Files.createDirectories(FILE.getParent());
            if (!Files.exists(FILE)) {
                Files.writeString(FILE, "| scenario | measured |\n|---|---|\n");
            }
            Files.writeString(FILE, line, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
