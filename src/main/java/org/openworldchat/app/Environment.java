package org.openworldchat.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process environment over an optional {@code .env} file in the working directory: real
 * variables win. A {@code .env} that is present but cannot be read completely stops the server
 * with one line naming the file and the line, never a silent fall-back to defaults.
 *
 * <p>The file is UTF-8 text, one {@code NAME=value} per line ({@code export NAME=value} too).
 * Blank lines and lines starting with {@code #} are skipped. Spaces around the name, the
 * {@code =} and the value are dropped. A value may be quoted with {@code "} or {@code '} (taken
 * literally, without escapes, and on one line); an unquoted value ends at a {@code #} that follows
 * white space. The later of two lines with one name wins. Error messages never quote the line,
 * which may hold a secret.
 */
final class Environment {

    static final String FILE_NAME = ".env";

    private static final Pattern ENTRY =
            Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)");
    private static final Pattern COMMENT = Pattern.compile("(?:^|\\s)#");

    private Environment() {
    }

    static Map<String, String> load() {
        return load(Path.of("").toAbsolutePath().resolve(FILE_NAME), System.getenv());
    }

    /** {@code variables} over the entries of {@code dotenv}, which may be missing. */
    static Map<String, String> load(Path dotenv, Map<String, String> variables) {
        Map<String, String> merged = new HashMap<>(parse(dotenv));
        merged.putAll(variables);
        return merged;
    }

    /** The entries of a {@code .env} file; none when it does not exist. */
    static Map<String, String> parse(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), "not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read it: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, String> entries = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int number = i + 1;
            Matcher entry = ENTRY.matcher(line);
            if (!entry.matches()) {
                throw new ConfigException(file.toString(), "line " + number + ": expected NAME=value");
            }
            String name = entry.group(1);
            entries.put(name, value(file, number, name, entry.group(2)));
        }
        return entries;
    }

    private static String value(Path file, int line, String name, String raw) {
        if (raw.startsWith("\"") || raw.startsWith("'")) {
            char quote = raw.charAt(0);
            int close = raw.indexOf(quote, 1);
            if (close < 0) {
                throw new ConfigException(file.toString(), "line " + line + ": the value of " + name
                        + " opens a quote (" + quote + ") that does not close on that line");
            }
            String rest = raw.substring(close + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new ConfigException(file.toString(), "line " + line + ": text after the closing quote of "
                        + name + "'s value");
            }
            return raw.substring(1, close);
        }
        Matcher comment = COMMENT.matcher(raw);
        return (comment.find() ? raw.substring(0, comment.start()) : raw).strip();
    }
}
