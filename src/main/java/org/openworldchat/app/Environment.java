package org.openworldchat.app;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The process environment over an optional {@code .env} file in the working directory (read by
 * dotenv-java): real variables win. A {@code .env} with a line that is not {@code NAME=value}
 * stops the server with one line naming the file, never a silent fall-back to defaults.
 */
final class Environment {

    static final String FILE_NAME = ".env";

    private Environment() {
    }

    static Map<String, String> load() {
        return load(Path.of("").toAbsolutePath(), System.getenv());
    }

    /** {@code variables} over the entries of the {@code .env} in {@code directory}, which may be missing. */
    static Map<String, String> load(Path directory, Map<String, String> variables) {
        Map<String, String> merged = new HashMap<>();
        try {
            Dotenv dotenv = Dotenv.configure().directory(directory.toString()).filename(FILE_NAME)
                    .ignoreIfMissing().load();
            for (DotenvEntry e : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                merged.put(e.getKey(), e.getValue());
            }
        } catch (DotenvException e) {
            // dotenv-java names the bad line by its text, which may hold a secret: not repeated here.
            throw new ConfigException(directory.resolve(FILE_NAME).toString(), "a line is not NAME=value");
        }
        merged.putAll(variables);
        return merged;
    }
}
