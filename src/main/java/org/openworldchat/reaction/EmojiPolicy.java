package org.openworldchat.reaction;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.BreakIterator;
import java.util.Optional;

/**
 * What counts as one reaction emoji, by Unicode's rules (ICU data, no hand-made list): a
 * recommended emoji sequence (RGI: skin tones, ZWJ families, keycaps, flags), or any single
 * extended grapheme cluster of emoji code points built on a pictograph (newer or unlisted
 * combinations, such as a family with skin tones). A bare
 * pictograph that needs variation selector 16 gets it, so "❤" and "❤️" are the same reaction.
 */
final class EmojiPolicy {

    /** The longest sequences in use (tag flags, families with skin tones) are well below this. */
    static final int MAX_CODE_POINTS = 16;
    private static final int VS16 = 0xFE0F;
    private static final int VS15 = 0xFE0E;

    /** The canonical form of {@code text} when it is exactly one emoji; empty otherwise. */
    Optional<String> canonical(String text) {
        if (text == null || text.isEmpty() || text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            return Optional.empty();
        }
        if (rgi(text)) {
            return Optional.of(text);
        }
        if (rgi(text + (char) VS16)) {
            return Optional.of(text + (char) VS16);
        }
        return singleCluster(text) && emojiOnly(text) ? Optional.of(text) : Optional.empty();
    }

    private static boolean rgi(String s) {
        return UCharacter.hasBinaryProperty(s, UProperty.RGI_EMOJI);
    }

    private static boolean singleCluster(String s) {
        BreakIterator clusters = BreakIterator.getCharacterInstance();
        clusters.setText(s);
        clusters.first();
        return clusters.next() == s.length();
    }

    /** Every code point is emoji material, none asks for text style, and one is a pictograph. */
    private static boolean emojiOnly(String s) {
        boolean pictograph = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == VS15 || !(UCharacter.hasBinaryProperty(cp, UProperty.EMOJI)
                    || UCharacter.hasBinaryProperty(cp, UProperty.EMOJI_COMPONENT)
                    || UCharacter.hasBinaryProperty(cp, UProperty.EXTENDED_PICTOGRAPHIC))) {
                return false;
            }
            pictograph |= UCharacter.hasBinaryProperty(cp, UProperty.EXTENDED_PICTOGRAPHIC);
        }
        return pictograph;
    }
}
