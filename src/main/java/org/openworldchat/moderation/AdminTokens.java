package org.openworldchat.moderation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The moderators' bearer tokens ({@code ADMIN_TOKENS}: comma-separated {@code name:token} pairs).
 * A presented token is compared with every known one in constant time (their SHA-256 digests, so
 * a length tells nothing either), and all of them are compared whatever matched, so how long a
 * check takes says nothing about which token is close. Never printed.
 */
public final class AdminTokens {

    public static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");
    public static final int MIN_TOKEN_LENGTH = 32;
    /** No tokens: the moderation API does not exist (every path under it answers 404). */
    public static final AdminTokens NONE = new AdminTokens(Map.of());

    private final Map<String, byte[]> digests;

    /** @param tokens moderator name → token, already validated ({@link #NAME}, {@link #MIN_TOKEN_LENGTH}) */
    public AdminTokens(Map<String, String> tokens) {
        Map<String, byte[]> byName = new LinkedHashMap<>();
        tokens.forEach((name, token) -> {
            if (!NAME.matcher(name).matches() || token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("an admin token needs a name of [a-z0-9_-]{1,32} and 32 characters");
            }
            byName.put(name, digest(token));
        });
        this.digests = Map.copyOf(byName);
    }

    public boolean enabled() {
        return !digests.isEmpty();
    }

    /** The moderator whose token this is; empty for a wrong or missing one. */
    public Optional<Moderator> verify(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] given = digest(presented);
        String match = null;
        for (Map.Entry<String, byte[]> known : digests.entrySet()) {
            if (MessageDigest.isEqual(known.getValue(), given)) {
                match = known.getKey();
            }
        }
        return Optional.ofNullable(match).map(Moderator::new);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "AdminTokens[" + String.join(", ", digests.keySet()) + "]";
    }
}
