package org.openworldchat.logging;

/**
 * Text made safe for one log line: every control character (C0, DEL, C1), the Unicode line and
 * paragraph separators and the bidirectional embedding, override and isolate characters are
 * written as a backslash, {@code u} and four hex digits, as a Java escape (a newline becomes a
 * backslash followed by {@code u000a}). A newline in client text can then not start a forged
 * line, an escape sequence cannot drive the terminal that shows the log, and an override cannot
 * make a line read differently from what it holds.
 */
final class LogText {

    private LogText() {
    }

    static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean unsafe(char c) {
        return Character.getType(c) == Character.CONTROL
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
