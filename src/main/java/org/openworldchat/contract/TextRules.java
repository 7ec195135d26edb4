package org.openworldchat.contract;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;

/** Text rules the contract states once for every field: what "trimmed" means, what shows nothing. */
public final class TextRules {

    private TextRules() {
    }

    /**
     * Without leading and trailing Unicode White_Space. {@link String#strip()} keeps the no-break
     * spaces (U+00A0, U+2007, U+202F), so a message of nothing but them would look empty yet pass.
     */
    public static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && UCharacter.isUWhiteSpace(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && UCharacter.isUWhiteSpace(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    /**
     * Whether a character renders as nothing: a default-ignorable code point (zero-width spaces
     * and joiners, variation selectors, soft hyphens, tag characters, the Hangul fillers U+115F,
     * U+1160, U+3164 and U+FFA0, ...), by Unicode's own property, or the blank Braille pattern
     * U+2800, a symbol that no property marks yet that draws nothing. White space is not counted
     * here: the fields have rules of their own for it.
     */
    public static boolean isInvisible(int cp) {
        return cp == BRAILLE_BLANK || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT);
    }

    /** Whether the text shows nothing at all: only white space and {@link #isInvisible invisible} characters. */
    public static boolean showsNothing(String text) {
        return text.codePoints().allMatch(cp -> UCharacter.isUWhiteSpace(cp) || isInvisible(cp));
    }

    private static final int BRAILLE_BLANK = 0x2800;
}
