package org.openworldchat.app;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import java.util.HashMap;
import java.util.Map;

/** The process environment over an optional {@code .env} file in the working directory: real variables win. */
final class Environment {

    private Environment() {
    }

    static Map<String, String> load() {
        Map<String, String> merged = new HashMap<>();
        Dotenv dotenv = Dotenv.configure().ignoreIfMissing().ignoreIfMalformed().load();
        for (DotenvEntry e : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
            merged.put(e.getKey(), e.getValue());
        }
        merged.putAll(System.getenv());
        return merged;
    }
}
