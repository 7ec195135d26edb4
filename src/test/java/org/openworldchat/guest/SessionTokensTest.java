package org.openworldchat.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    private final SessionTokens tokens = new SessionTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @Test
    void aMintedTokenNamesItsGuest() {
        UUID guest = UUID.randomUUID();
        assertThat(tokens.verify(tokens.mint(guest))).contains(guest);
    }

    @Test
    void onlyTheMintedSpellingOfATokenCounts() {
        UUID guest = UUID.randomUUID();
        String token = tokens.mint(guest);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(token.charAt(token.length() - 1));
        for (int unusedBits = 1; unusedBits < 4; unusedBits++) {
            // Differs only in the two bits the last character carries beyond the token's 32 bytes.
            String respelled = token.substring(0, token.length() - 1) + alphabet.charAt(last ^ unusedBits);
            assertThat(java.util.Base64.getUrlDecoder().decode(respelled)).isEqualTo(java.util.Base64.getUrlDecoder().decode(token));
            assertThat(tokens.verify(respelled)).isEmpty();
        }
    }

    @Test
    void tamperedForgedAndForeignTokensNameNobody() {
        UUID guest = UUID.randomUUID();
        String token = tokens.mint(guest);
        char last = token.charAt(10);
        String tampered = token.substring(0, 10) + (last == 'A' ? 'B' : 'A') + token.substring(11);
        assertThat(tokens.verify(tampered)).isEmpty();

        SessionTokens otherServer = new SessionTokens("another-secret-another-secret-123".getBytes(StandardCharsets.UTF_8));
        assertThat(tokens.verify(otherServer.mint(guest))).isEmpty();

        // Knowing a guest id is not enough: a token made of the id and a guessed tag fails.
        byte[] forged = new byte[32];
        java.nio.ByteBuffer.wrap(forged).putLong(guest.getMostSignificantBits()).putLong(guest.getLeastSignificantBits());
        assertThat(tokens.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(forged))).isEmpty();

        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("")).isEmpty();
        assertThat(tokens.verify(guest.toString())).isEmpty();
        assertThat(tokens.verify("!".repeat(43))).isEmpty();
    }
}
