package org.openworldchat.contract;

import com.ibm.icu.lang.UCharacter;

/** Text rules the contract states once for every field: what "trimmed" means. */
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
}
