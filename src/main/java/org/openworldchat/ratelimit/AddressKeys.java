package org.openworldchat.ratelimit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a client address into its {@link AddressKey}: HMAC-SHA256 under a key derived from the
 * server secret for this use alone, so the hashes in memory or in Redis cannot be reversed by
 * trying all four billion IPv4 addresses, and are the same on every node that shares the secret.
 * An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is the IPv4 address it carries.
 */
public final class AddressKeys {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PURPOSE = "owc-client-address-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int HASH_BYTES = 16;
    private static final int NETWORK_BYTES = 8;

    private final SecretKeySpec key;

    public AddressKeys(byte[] serverSecret) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(serverSecret, ALGORITHM), PURPOSE), ALGORITHM);
    }

    public AddressKey of(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(raw)) {
            raw = Arrays.copyOfRange(raw, 12, 16);
        }
        if (raw.length == 4 || address instanceof Inet4Address) {
            return new AddressKey(hash('4', raw), Optional.empty());
        }
        return new AddressKey(hash('6', raw), Optional.of(hash('n', Arrays.copyOf(raw, NETWORK_BYTES))));
    }

    private static boolean isIpv4Mapped(byte[] raw) {
        if (raw.length != 16 || raw[10] != (byte) 0xFF || raw[11] != (byte) 0xFF) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private String hash(char kind, byte[] raw) {
        byte[] input = new byte[raw.length + 1];
        input[0] = (byte) kind;
        System.arraycopy(raw, 0, input, 1, raw.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hmac(key, input), HASH_BYTES));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] input) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
