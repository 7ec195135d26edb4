package org.openworldchat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openworldchat.contract.RateLimit;
import org.openworldchat.http.ConnectionLimits;

class AppConfigTest {

    @Test
    void defaults() {
        AppConfig c = AppConfig.fromEnvironment(Map.of());
        assertThat(c.port()).isEqualTo(4000);
        assertThat(c.databaseUrl()).isEmpty();
        assertThat(c.messageTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.cleanupCron()).isEqualTo("0 * * * *");
        assertThat(c.maxSocketsPerIp()).isEqualTo(20);
        assertThat(c.maxSocketsPerIpv6Network()).isEqualTo(200);
        assertThat(c.trustProxy()).isFalse();
        assertThat(c.cookieSecure()).isFalse();
        assertThat(c.corsOrigins()).isEmpty();
        assertThat(c.databasePoolSize()).isEqualTo(16);
        // The contract's limits, spelled out here rather than read back from RateLimit's defaults.
        assertThat(c.rateLimits()).containsAllEntriesOf(Map.of(
                RateLimit.MESSAGE, new RateLimit.Quota(10, Duration.ofSeconds(10)),
                RateLimit.REACTION, new RateLimit.Quota(30, Duration.ofSeconds(10)),
                RateLimit.UPLOAD, new RateLimit.Quota(10, Duration.ofMinutes(1))));
        assertThat(c.rateLimits()).containsAllEntriesOf(Map.of(
                RateLimit.USERNAME_CHANGE, new RateLimit.Quota(5, Duration.ofMinutes(10)),
                RateLimit.ADDRESS_NEW_GUEST, new RateLimit.Quota(30, Duration.ofMinutes(10)),
                RateLimit.ADDRESS_MESSAGE, new RateLimit.Quota(60, Duration.ofSeconds(10)),
                RateLimit.ADDRESS_REACTION, new RateLimit.Quota(60, Duration.ofSeconds(10)),
                RateLimit.ADDRESS_USERNAME_CHANGE, new RateLimit.Quota(10, Duration.ofMinutes(10)),
                RateLimit.ADDRESS_UPLOAD, new RateLimit.Quota(30, Duration.ofMinutes(10)),
                RateLimit.ADDRESS_UPLOAD_BYTES, new RateLimit.Quota(100_000_000, Duration.ofHours(24))));
        assertThat(c.rateLimits()).hasSameSizeAs(RateLimit.values());
    }

    @Test
    void connectionRulesDefaultToTheContractsValues() {
        ConnectionLimits limits = AppConfig.fromEnvironment(Map.of()).connectionLimits();
        // Spelled out rather than read back from the constants: these are the contract's numbers.
        assertThat(limits.maxPerAddress()).isEqualTo(64);
        assertThat(limits.maxPerNetwork()).as("an IPv6 /64").isEqualTo(640);
        assertThat(limits.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.bodyGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.minBodyBytesPerSecond()).isEqualTo(1024);
        assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(limits.bodyBufferPerAddress()).isEqualTo(16L * 1024 * 1024);
        assertThat(limits.bodyBufferTotal()).isEqualTo(64L * 1024 * 1024);

        ConnectionLimits set = AppConfig.fromEnvironment(Map.of("MAX_CONNECTIONS_PER_IP", "100",
                "MAX_BODY_BUFFER_PER_IP_MB", "8", "MAX_BODY_BUFFER_MB", "256")).connectionLimits();
        assertThat(set.maxPerAddress()).isEqualTo(100);
        assertThat(set.maxPerNetwork()).isEqualTo(1000);
        assertThat(set.bodyBufferPerAddress()).isEqualTo(8L * 1024 * 1024);
        assertThat(set.bodyBufferTotal()).isEqualTo(256L * 1024 * 1024);
        assertThat(set.headerTimeout()).as("the timings are not variables").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void readsEveryVariable() {
        AppConfig c = AppConfig.fromEnvironment(Map.of(
                "PORT", "8080", "MESSAGE_TTL_HOURS", "2", "COOKIE_SECURE", "true", "TRUST_PROXY", "yes",
                "CORS_ORIGINS", "https://a.example, https://b.example:8443/", "MAX_SOCKETS_PER_IP", "5",
                "PUBLIC_BASE_URL", "https://chat.example", "AWS_S3_BUCKET_NAME", "pics",
                "AWS_S3_ENDPOINT", "http://127.0.0.1:9000"));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.messageTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(c.cookieSecure()).isTrue();
        assertThat(c.trustProxy()).isTrue();
        assertThat(c.corsOrigins()).containsExactly("https://a.example", "https://b.example:8443");
        assertThat(c.maxSocketsPerIp()).isEqualTo(5);
        assertThat(c.publicBaseUrl()).contains("https://chat.example");
        assertThat(c.s3()).hasValueSatisfying(s -> assertThat(s.endpoint()).contains("http://127.0.0.1:9000"));
    }

    @Test
    void aBadValueNamesItsVariable() {
        assertBad(Map.of("PORT", "eighty"), "PORT");
        assertBad(Map.of("PORT", "70000"), "PORT");
        assertBad(Map.of("MESSAGE_TTL_HOURS", "0"), "MESSAGE_TTL_HOURS");
        assertBad(Map.of("COOKIE_SECURE", "maybe"), "COOKIE_SECURE");
        assertBad(Map.of("SESSION_SECRET", "short"), "SESSION_SECRET");
        assertBad(Map.of("CORS_ORIGINS", "not a url"), "CORS_ORIGINS");
        assertBad(Map.of("PUBLIC_BASE_URL", "https://chat.example/path"), "PUBLIC_BASE_URL");
        assertBad(Map.of("DATABASE_URL", "mysql://x@y/z"), "DATABASE_URL");
        assertBad(Map.of("REDIS_URL", "http://localhost"), "REDIS_URL");
        assertBad(Map.of("DATABASE_POOL_SIZE", "2"), "DATABASE_POOL_SIZE");
        assertBad(Map.of("MAX_SOCKETS_PER_IPV6_64", "0"), "MAX_SOCKETS_PER_IPV6_64");
        assertBad(Map.of("MAX_CONNECTIONS_PER_IP", "0"), "MAX_CONNECTIONS_PER_IP");
        // An upload (5 MiB and its framing) must fit, or every upload would be refused.
        assertBad(Map.of("MAX_BODY_BUFFER_PER_IP_MB", "5"), "MAX_BODY_BUFFER_PER_IP_MB");
        assertBad(Map.of("MAX_BODY_BUFFER_MB", "lots"), "MAX_BODY_BUFFER_MB");
    }

    @Test
    void adminTokensAreNamedAndLongAndNeverRepeatedInTheError() {
        String token = "a-token-of-more-than-thirty-two-characters";
        AppConfig c = AppConfig.fromEnvironment(Map.of("ADMIN_TOKENS", "alice:" + token + ", bob_2:" + token + "-2"));
        assertThat(c.adminTokens().enabled()).isTrue();
        assertThat(c.adminTokens().verify(token).map(m -> m.name())).contains("alice");
        assertThat(c.adminTokens().verify(token + "-2").map(m -> m.name())).contains("bob_2");
        assertThat(c.adminTokens().toString()).doesNotContain(token);
        assertThat(AppConfig.fromEnvironment(Map.of()).adminTokens().enabled()).isFalse();

        for (String bad : new String[] {"Alice:" + token, "alice:short-secret", token, "alice:" + token + ",alice:" + token,
            ":" + token, "a-name-that-is-longer-than-thirty-two:" + token}) {
            assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of("ADMIN_TOKENS", bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("ADMIN_TOKENS: ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("characters-"));
        }
    }

    private static void assertBad(Map<String, String> env, String variable) {
        assertThatThrownBy(() -> AppConfig.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + ": ");
    }
}
