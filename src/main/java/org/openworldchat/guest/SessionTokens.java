package org.openworldchat.guest;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and checks the value of the {@code owc_guest} cookie: the guest id followed by an
 * HMAC-SHA256 tag over it, keyed with the server's session secret. Only the server can mint a
 * token, so knowing a (public) guest id does not let anyone act as that guest. Checking needs no
 * database round trip, which keeps the Socket.IO handshake off the database.
 */
public final class SessionTokens {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DOMAIN = "owc-guest-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int ID_BYTES = 16;
    private static final int TAG_BYTES = 16;

    private final SecretKeySpec key;

    public SessionTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the session secret must have at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    public String mint(UUID guestId) {
        byte[] id = bytes(guestId);
        ByteBuffer out = ByteBuffer.allocate(ID_BYTES + TAG_BYTES);
        out.put(id).put(tag(id));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    }

    /** The guest a token names, or empty for a forged, tampered or malformed token. */
    public Optional<UUID> verify(String token) {
        if (token == null || token.length() != 43) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != ID_BYTES + TAG_BYTES) {
            return Optional.empty();
        }
        byte[] id = java.util.Arrays.copyOfRange(raw, 0, ID_BYTES);
        byte[] given = java.util.Arrays.copyOfRange(raw, ID_BYTES, raw.length);
        // The decoder ignores the unused low bits of the last character, so four spellings
        // decode to one token; only the one this class mints is that token.
        boolean canonical = Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(token);
        if (!canonical || !MessageDigest.isEqual(tag(id), given)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(id);
        return Optional.of(new UUID(b.getLong(), b.getLong()));
    }

    private byte[] tag(byte[] id) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(DOMAIN);
            return java.util.Arrays.copyOf(mac.doFinal(id), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(ID_BYTES).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
    }
}
