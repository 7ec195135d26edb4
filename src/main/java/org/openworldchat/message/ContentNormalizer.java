package org.openworldchat.message;

import java.text.Normalizer;
import org.openworldchat.contract.TextRules;

/**
 * Message text as stored: without control characters other than newline and tab, without
 * bidirectional override and isolate characters (U+202A–U+202E, U+2066–U+2069), then NFC, then
 * trimmed of Unicode white space; text that would show nothing (only white space and invisible or
 * blank characters such as U+200B, U+3164, U+2800) becomes empty. A lone surrogate (JSON escapes
 * can name one, UTF-8 cannot carry it) becomes U+FFFD, as a browser's encoder would make it, so
 * the stored text is the acked text.
 *
 * <p>The removals come before NFC: a removed character between a letter and its combining mark
 * ({@code "e\u0007\u0301"}) would otherwise keep the two apart during NFC and leave the stored text
 * decomposed once it is gone.
 */
final class ContentNormalizer {

    static final int MAX_LENGTH = 2000;

    private ContentNormalizer() {
    }

    static String normalize(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        StringBuilder stripped = new StringBuilder(raw.length());
        raw.codePoints().filter(ContentNormalizer::kept).map(ContentNormalizer::encodable).forEach(stripped::appendCodePoint);
        String text = TextRules.trim(Normalizer.normalize(stripped, Normalizer.Form.NFC));
        // Invisible characters stay beside visible ones (emoji need their joiners and selectors);
        // text of nothing else is no text, which makes a message without an image empty.
        return TextRules.showsNothing(text) ? "" : text;
    }

    static int length(String normalized) {
        return normalized.codePointCount(0, normalized.length());
    }

    private static int encodable(int cp) {
        return Character.getType(cp) == Character.SURROGATE ? 0xFFFD : cp;
    }

    private static boolean kept(int cp) {
        if (cp == '\n' || cp == '\t') {
            return true;
        }
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
            return false;
        }
        return Character.getType(cp) != Character.CONTROL;
    }
}
