package org.openworldchat.app;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process environment over an optional {@code .env} file in the working directory: real
 * variables win. The file holds one {@code NAME=value} per line, the value bare or in double or
 * single quotes, with {@code #} comments on lines of their own or after the value (after a space
 * when the value is bare, so that {@code a#b} stays a value). Any other line stops the server with
 * one line naming the file and the line's number, never a silent fall-back to defaults.
 *
 * <p>Read here rather than by a dotenv library: dotenv-java takes an unclosed quote
 * ({@code PORT="4002}) as the start of a value spanning several lines, swallows the lines after
 * it, and at the end of the file drops the whole entry without a word; no option makes it refuse
 * that. The few rules above fit in one pattern.
 */
final class Environment {

    static final String FILE_NAME = ".env";

    /** NAME = "double" | 'single' | bare; bare values hold no quote and end before a " #" comment. */
    private static final Pattern ENTRY = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(?:"
                    + "\"([^\"]*)\"\\s*(?:#.*)?"
                    + "|'([^']*)'\\s*(?:#.*)?"
                    + "|((?:[^\"'\\s#][^\"']*?)?)(?:\\s+#.*)?)");

    private Environment() {
    }

    static Map<String, String> load() {
        return load(Path.of("").toAbsolutePath(), System.getenv());
    }

    /** {@code variables} over the entries of the {@code .env} in {@code directory}, which may be missing. */
    static Map<String, String> load(Path directory, Map<String, String> variables) {
        Path file = directory.resolve(FILE_NAME);
        Map<String, String> merged = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), "cannot be read: not UTF-8 text");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file.toString(), "cannot be read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = i == 0 ? lines.get(i).replaceFirst("^\uFEFF", "") : lines.get(i);
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                // Never the line's text: it may hold a secret.
                throw new ConfigException(file.toString(), "line " + (i + 1) + " is not NAME=value");
            }
            merged.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4));
        }
        merged.putAll(variables);
        return merged;
    }
}
