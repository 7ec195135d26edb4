package org.openworldchat.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.moderation.AdminTokens;
import org.openworldchat.http.ConnectionLimits;
import org.openworldchat.message.MessageService;
import org.openworldchat.realtime.RealtimeServer;

/**
 * Everything the server reads from its environment, validated once at start. A wrong value stops
 * the server with one line naming the variable ({@link ConfigException}).
 */
public record AppConfig(
        int port,
        Optional<DatabaseUrl> databaseUrl,
        Path dataDir,
        Optional<String> redisUrl,
        String redisPrefix,
        Optional<S3Settings> s3,
        Optional<String> publicBaseUrl,
        Optional<String> sessionSecret,
        List<String> corsOrigins,
        boolean cookieSecure,
        Duration messageTtl,
        String cleanupCron,
        int maxSocketsPerIp,
        int maxSocketsPerIpv6Network,
        boolean trustProxy,
        Map<RateLimit, RateLimit.Quota> rateLimits,
        int messageWriteBatch,
        int databasePoolSize,
        Duration socketConnectTimeout,
        ConnectionLimits connectionLimits,
        AdminTokens adminTokens) {

    /** Object storage settings; present only when {@code AWS_S3_BUCKET_NAME} is set. */
    public record S3Settings(String bucket, Optional<String> region, Optional<String> endpoint,
                             Optional<String> accessKeyId, Optional<String> secretAccessKey) {
        @Override
        public String toString() {
            return "S3Settings[bucket=" + bucket + ", region=" + region + ", endpoint=" + endpoint + "]";
        }
    }

    public static final int DEFAULT_PORT = 4000;
    static final int DEFAULT_DATABASE_POOL_SIZE = 16;
    /** The message and reaction writers each hold a connection while a batch commits; reads need the rest. */
    static final int MIN_DATABASE_POOL_SIZE = 4;

    public static AppConfig fromEnvironment(Map<String, String> env) {
        Reader r = new Reader(env);
        return new AppConfig(
                r.integer("PORT", DEFAULT_PORT, 0, 65535),
                r.optional("DATABASE_URL").map(DatabaseUrl::parse),
                Path.of(r.optional("DATA_DIR").orElse("data")),
                r.optional("REDIS_URL").map(v -> r.requireScheme("REDIS_URL", v, "redis", "rediss")),
                r.optional("REDIS_PREFIX").map(v -> r.pattern("REDIS_PREFIX", v, "[A-Za-z0-9_.-]{1,64}")).orElse("owc"),
                s3(r),
                r.optional("PUBLIC_BASE_URL").map(v -> r.origin("PUBLIC_BASE_URL", v)),
                r.optional("SESSION_SECRET").map(v -> r.minLength("SESSION_SECRET", v, 32)),
                r.optional("CORS_ORIGINS").map(v -> Arrays.stream(v.split(","))
                        .map(String::strip).filter(s -> !s.isEmpty())
                        .map(s -> r.origin("CORS_ORIGINS", s)).toList()).orElse(List.of()),
                r.bool("COOKIE_SECURE", false),
                Duration.ofHours(r.integer("MESSAGE_TTL_HOURS", 24, 1, 24 * 365)),
                r.optional("CLEANUP_CRON").orElse("0 * * * *"),
                r.integer("MAX_SOCKETS_PER_IP", 20, 1, 1_000_000),
                r.integer("MAX_SOCKETS_PER_IPV6_64", 200, 1, 1_000_000),
                r.bool("TRUST_PROXY", false),
                rateLimits(r),
                r.integer("MESSAGE_WRITE_BATCH", MessageService.WriteSettings.DEFAULT_MAX_BATCH, 1, 10_000),
                r.integer("DATABASE_POOL_SIZE", DEFAULT_DATABASE_POOL_SIZE, MIN_DATABASE_POOL_SIZE, 1_000),
                RealtimeServer.CONNECT_TIMEOUT,
                connectionLimits(r),
                adminTokens(r));
    }

    /** {@code ADMIN_TOKENS}: comma-separated {@code name:token} pairs; unset, the moderation API does not exist. */
    private static AdminTokens adminTokens(Reader r) {
        Optional<String> value = r.optional("ADMIN_TOKENS");
        if (value.isEmpty()) {
            return AdminTokens.NONE;
        }
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        for (String pair : value.get().split(",")) {
            String entry = pair.strip();
            int colon = entry.indexOf(':');
            String name = colon < 0 ? entry : entry.substring(0, colon);
            String token = colon < 0 ? "" : entry.substring(colon + 1);
            // The value holds secrets: the line says what is wrong, never what was given.
            if (!AdminTokens.NAME.matcher(name).matches()) {
                throw new ConfigException("ADMIN_TOKENS", "each entry is name:token, the name 1 to 32 of a-z, 0-9, _ and -");
            }
            if (token.length() < AdminTokens.MIN_TOKEN_LENGTH) {
                throw new ConfigException("ADMIN_TOKENS", "the token of '" + name + "' must be at least "
                        + AdminTokens.MIN_TOKEN_LENGTH + " characters long");
            }
            if (tokens.put(name, token) != null) {
                throw new ConfigException("ADMIN_TOKENS", "the name '" + name + "' is given twice");
            }
        }
        return new AdminTokens(tokens);
    }

    private static ConnectionLimits connectionLimits(Reader r) {
        return ConnectionLimits.of(
                r.integer("MAX_CONNECTIONS_PER_IP", ConnectionLimits.DEFAULT_MAX_PER_ADDRESS, 1, 1_000_000),
                r.integer("MAX_BODY_BUFFER_PER_IP_MB", ConnectionLimits.DEFAULT_BODY_BUFFER_PER_ADDRESS_MB, 6, 1_000_000),
                r.integer("MAX_BODY_BUFFER_MB", ConnectionLimits.DEFAULT_BODY_BUFFER_TOTAL_MB, 6, 1_000_000));
    }

    private static Map<RateLimit, RateLimit.Quota> rateLimits(Reader r) {
        Map<RateLimit, RateLimit.Quota> quotas = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            quotas.put(limit, r.optional(limit.variable()).map(v -> r.quota(limit.variable(), v)).orElse(limit.defaultQuota()));
        }
        return Map.copyOf(quotas);
    }

    private static Optional<S3Settings> s3(Reader r) {
        return r.optional("AWS_S3_BUCKET_NAME").map(bucket -> new S3Settings(bucket,
                r.optional("AWS_REGION"),
                r.optional("AWS_S3_ENDPOINT").map(v -> r.requireScheme("AWS_S3_ENDPOINT", v, "http", "https")),
                r.optional("AWS_ACCESS_KEY_ID"),
                r.optional("AWS_SECRET_ACCESS_KEY")));
    }

    /** Copy with another port (tests and benchmarks bind port 0). */
    public AppConfig withPort(int newPort) {
        return new AppConfig(newPort, databaseUrl, dataDir, redisUrl, redisPrefix, s3, publicBaseUrl, sessionSecret,
                corsOrigins, cookieSecure, messageTtl, cleanupCron, maxSocketsPerIp, maxSocketsPerIpv6Network, trustProxy, rateLimits,
                messageWriteBatch, databasePoolSize, socketConnectTimeout, connectionLimits, adminTokens);
    }

    /** Copy that uses another database (tests give each class a fresh one). */
    public AppConfig withDatabase(DatabaseUrl url) {
        return new AppConfig(port, Optional.of(url), dataDir, redisUrl, redisPrefix, s3, publicBaseUrl, sessionSecret,
                corsOrigins, cookieSecure, messageTtl, cleanupCron, maxSocketsPerIp, maxSocketsPerIpv6Network, trustProxy, rateLimits,
                messageWriteBatch, databasePoolSize, socketConnectTimeout, connectionLimits, adminTokens);
    }

    /**
     * Copy with another Socket.IO connect timeout. Not an environment variable: production keeps
     * {@link RealtimeServer#CONNECT_TIMEOUT}; tests of the timeout shorten it.
     */
    public AppConfig withSocketConnectTimeout(Duration timeout) {
        return new AppConfig(port, databaseUrl, dataDir, redisUrl, redisPrefix, s3, publicBaseUrl, sessionSecret,
                corsOrigins, cookieSecure, messageTtl, cleanupCron, maxSocketsPerIp, maxSocketsPerIpv6Network, trustProxy, rateLimits,
                messageWriteBatch, databasePoolSize, timeout, connectionLimits, adminTokens);
    }

    /** Copy with other connection rules (tests shorten the timeouts; see {@link ConnectionLimits#withTimings}). */
    public AppConfig withConnectionLimits(ConnectionLimits limits) {
        return new AppConfig(port, databaseUrl, dataDir, redisUrl, redisPrefix, s3, publicBaseUrl, sessionSecret,
                corsOrigins, cookieSecure, messageTtl, cleanupCron, maxSocketsPerIp, maxSocketsPerIpv6Network, trustProxy, rateLimits,
                messageWriteBatch, databasePoolSize, socketConnectTimeout, limits, adminTokens);
    }

    private record Reader(Map<String, String> env) {

        Optional<String> optional(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> v = optional(name);
            if (v.isEmpty()) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v.get());
                if (n < min || n > max) {
                    throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(name, "must be a whole number, got '" + v.get() + "'");
            }
        }

        boolean bool(String name, boolean fallback) {
            return optional(name).map(v -> switch (v.toLowerCase()) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new ConfigException(name, "must be true or false, got '" + v + "'");
            }).orElse(fallback);
        }

        /** {@code 10/10s}, {@code 30/1m}, {@code 100/1h}. */
        RateLimit.Quota quota(String name, String value) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})/(\\d{1,6})(ms|s|m|h)").matcher(value);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Long.parseLong(m.group(2)) < 1) {
                throw new ConfigException(name, "expected <count>/<duration> such as 10/10s or 10/1m, got '" + value + "'");
            }
            long amount = Long.parseLong(m.group(2));
            Duration period = switch (m.group(3)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            return new RateLimit.Quota(Integer.parseInt(m.group(1)), period);
        }

        String pattern(String name, String value, String regex) {
            if (!value.matches(regex)) {
                throw new ConfigException(name, "must match " + regex + ", got '" + value + "'");
            }
            return value;
        }

        String minLength(String name, String value, int min) {
            if (value.length() < min) {
                throw new ConfigException(name, "must be at least " + min + " characters long");
            }
            return value;
        }

        String requireScheme(String name, String value, String... schemes) {
            URI uri = uri(name, value);
            for (String s : schemes) {
                if (s.equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                    return value;
                }
            }
            throw new ConfigException(name, "must be a " + String.join(" or ", schemes) + " URL with a host");
        }

        /** An origin is scheme://host[:port] with nothing after it; a trailing slash is dropped. */
        String origin(String name, String value) {
            String v = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            URI uri = uri(name, v);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null) {
                throw new ConfigException(name, "'" + value + "' is not an origin like https://chat.example.com");
            }
            return v.toLowerCase();
        }

        private URI uri(String name, String value) {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw new ConfigException(name, "not a valid URL (" + e.getReason() + ")");
            }
        }
    }
}
