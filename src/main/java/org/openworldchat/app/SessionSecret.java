package org.openworldchat.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs guest cookies: {@code SESSION_SECRET}, or on a single node without it a
 * random key generated once and kept in the data directory, so cookies survive restarts.
 * Several nodes must share one key, so with {@code REDIS_URL} set the variable is required.
 */
final class SessionSecret {

    private static final Logger log = LoggerFactory.getLogger(SessionSecret.class);
    static final String FILE = "session-secret";

    private SessionSecret() {
    }

    static byte[] resolve(AppConfig config) {
        if (config.sessionSecret().isPresent()) {
            return config.sessionSecret().get().getBytes(StandardCharsets.UTF_8);
        }
        if (config.redisUrl().isPresent()) {
            throw new ConfigException("SESSION_SECRET",
                    "required when REDIS_URL is set: every node must sign guest cookies with the same secret");
        }
        return fromFile(config.dataDir().resolve(FILE));
    }

    private static byte[] fromFile(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip().getBytes(StandardCharsets.UTF_8);
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[48];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.writeString(file, secret, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            restrict(file);
            log.atWarn().addKeyValue("file", file.toAbsolutePath())
                    .log("SESSION_SECRET is not set; generated one for this node (set it when running several nodes)");
            return secret.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StartupException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            log.debug("cannot restrict permissions of {}", file);
        }
    }
}
