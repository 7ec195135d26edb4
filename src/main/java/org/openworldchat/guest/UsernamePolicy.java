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
 * The username rules: trimmed, NFC, 2 to 24 code points of letters, combining marks, decimal
 * digits, single inner spaces, '_' and '-'. Each valid name also gets a uniqueness key so that
 * names equal ignoring case or confusable under Unicode UTS #39 collide in the database.
 */
final class UsernamePolicy {

    static final int MIN_LENGTH = 2;
    static final int MAX_LENGTH = 24;

    record Username(String display, Set<String> keys) {
    }

    private final SpoofChecker spoofChecker = new SpoofChecker.Builder().build();

    Username parse(String raw) {
        if (raw == null) {
            throw invalid();
        }
        String name = Normalizer.normalize(TextRules.trim(raw), Normalizer.Form.NFC);
        int length = name.codePointCount(0, name.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw invalid();
        }
        int previous = -1;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!allowed(cp) || (cp == ' ' && previous == ' ')) {
                throw invalid();
            }
            previous = cp;
            i += Character.charCount(cp);
        }
        return new Username(name, keys(name));
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
        int type = Character.getType(cp);
        return Character.isLetter(cp)
                || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.DECIMAL_DIGIT_NUMBER;
    }

    private static ChatException invalid() {
        return new ChatException(ErrorCode.INVALID_USERNAME);
    }
}
