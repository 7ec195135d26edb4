package org.openworldchat.guest;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.SpoofChecker;
import java.text.Normalizer;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;
import org.openworldchat.contract.TextRules;

/**
 * The username rules: trimmed, 2 to 24 code points of letters, combining marks, decimal digits,
 * single inner spaces, '_' and '-'. A name is stored and compared in NFKC, so fullwidth
 * {@code ｍａｌｌｏｒｙ} is {@code mallory}; it must keep to the rules both as typed (NFC) and
 * in NFKC, so NFKC never lets in what was refused as typed (a no-break space, a spacing accent).
 * Characters that render as nothing (Hangul fillers, the blank Braille pattern, default-ignorable
 * code points) are refused, and so is a letter carrying more than two combining marks. Each valid
 * name also gets uniqueness keys, so that names equal ignoring case or confusable under Unicode
 * UTS #39 collide in the database.
 */
final class UsernamePolicy {

    static final int MIN_LENGTH = 2;
    static final int MAX_LENGTH = 24;
    /** Vietnamese needs two marks on one letter (ệ is e, a dot below and a circumflex); a pile of them is noise. */
    static final int MAX_MARKS_PER_LETTER = 2;

    record Username(String display, Set<String> keys) {
    }

    private final SpoofChecker spoofChecker = new SpoofChecker.Builder().build();

    Username parse(String raw) {
        if (raw == null) {
            throw invalid();
        }
        String typed = Normalizer.normalize(TextRules.trim(raw), Normalizer.Form.NFC);
        String name = Normalizer.normalize(typed, Normalizer.Form.NFKC);
        int length = name.codePointCount(0, name.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH || !keepsTheRules(typed) || !keepsTheRules(name)
                || !TextRules.trim(name).equals(name) || tooManyMarks(name)) {
            throw invalid();
        }
        return new Username(name, keys(name));
    }

    private static boolean keepsTheRules(String name) {
        int previous = -1;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!allowed(cp) || TextRules.isInvisible(cp) || (cp == ' ' && previous == ' ')) {
                return false;
            }
            previous = cp;
            i += Character.charCount(cp);
        }
        return true;
    }

    /** Counted decomposed, so that a precomposed letter counts the marks it carries. */
    private static boolean tooManyMarks(String name) {
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFD);
        int run = 0;
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            run = isMark(cp) ? run + 1 : 0;
            if (run > MAX_MARKS_PER_LETTER) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    /**
     * The keys two names must not share. UTS #39 skeletons are case sensitive ({@code I} maps to
     * {@code l}, {@code i} does not), so one key folds case before the skeleton (catching
     * {@code ALICE} against Cyrillic {@code аlice}) and one after it (catching {@code Iris}
     * against {@code lris}). Two names clash when any of their keys agree.
     */
    Set<String> keys(String name) {
        return Stream.of(
                spoofChecker.getSkeleton(UCharacter.foldCase(name, true)),
                UCharacter.foldCase(spoofChecker.getSkeleton(name), true)).collect(Collectors.toUnmodifiableSet());
    }

    private static boolean allowed(int cp) {
        if (cp == ' ' || cp == '_' || cp == '-') {
            return true;
        }
        return Character.isLetter(cp) || isMark(cp) || Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static ChatException invalid() {
        return new ChatException(ErrorCode.INVALID_USERNAME);
    }
}
