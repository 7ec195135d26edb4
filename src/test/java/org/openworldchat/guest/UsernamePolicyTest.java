package org.openworldchat.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openworldchat.contract.ChatException;
import org.openworldchat.contract.ErrorCode;

class UsernamePolicyTest {

    private final UsernamePolicy policy = new UsernamePolicy();

    @ParameterizedTest
    @ValueSource(strings = {"al", "alice", "Alice Smith", "bob_42", "x-y", "Ζωή", "Jürgen", "名前", "عليّ", "२३", "Guest_3FA8",
            "abcdefghijklmnopqrstuvwx"})
    void accepts(String name) {
        assertThat(policy.parse(name).display()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", " a ", "abcdefghijklmnopqrstuvwxy", "two  spaces", "tab\tname", "dot.name",
            "emoji😀", "<b>x</b>", "a\u202Eb", "zero\u200Bwidth", "line\nbreak", "½½", "a@b"})
    void refuses(String name) {
        assertThatThrownBy(() -> policy.parse(name))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_USERNAME));
    }

    @Test
    void trimsAndComposes() {
        assertThat(policy.parse("  bob  ").display()).isEqualTo("bob");
        // "e" + combining acute (2 code points) becomes the single precomposed "é".
        assertThat(policy.parse("Rene\u0301").display()).isEqualTo("René");
        // NFC first, then the length: two code points that compose into one are too short.
        assertThatThrownBy(() -> policy.parse("e\u0301")).isInstanceOf(ChatException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "alice, ALICE",
            "alice, Alice",
            "alice, \u0430lice",      // Cyrillic a
            "ALICE, \u0430lice",
            "Iris, lris",             // capital I against small l
            "l0l, lOl",               // digit zero against capital O
            "paypal, p\u0430yp\u0430l",
            "alIce, Alice"})
    void confusableNamesShareAKey(String a, String b) {
        assertThat(policy.parse(a).keys()).containsAnyElementsOf(policy.parse(b).keys());
    }

    /** Compatibility forms (fullwidth letters, ligatures) are stored as the plain name they stand for. */
    @ParameterizedTest
    @CsvSource({
            "\uff4d\uff41\uff4c\uff4c\uff4f\uff52\uff59, mallory",   // fullwidth
            "\uff2dallory, Mallory",
            "mallo\uff52y, mallory",
            "\ufb01ona, fiona",                                      // the ligature fi
            "\uff21\uff4e\uff4e\uff41 \uff22, Anna B"})
    void storesTheNfkcForm(String typed, String stored) {
        assertThat(policy.parse(typed).display()).isEqualTo(stored);
        assertThat(policy.parse(typed).keys()).containsAnyElementsOf(policy.parse(stored.toLowerCase()).keys());
    }

    /** Names that render blank or invisible: Hangul fillers, the blank Braille pattern, default-ignorable code points. */
    @ParameterizedTest
    @ValueSource(strings = {"\u3164\u3164", "\u115f\u115f", "\u1160\u1160", "\uffa0\uffa0", "\u2800\u2800",
            "ab\u3164", "a\u3164b", "\u3164ab", "al\u115fice", "bo\uffa0b", "a\u2800b", "ab\u034f",
            "ab\ufe0f", "a\u00adb", "a\u180eb", "a\u2060b", "a\u200cb", "a\u200db", "ab\udb40\udc20"})
    void refusesBlankAndInvisibleCharacters(String name) {
        assertThatThrownBy(() -> policy.parse(name))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_USERNAME));
    }

    @Test
    void atMostTwoCombiningMarksOnOneLetter() {
        assertThat(policy.parse("zoe\u0302\u0301").display()).as("two marks, composed").isEqualTo("zo\u1ebf");
        assertThat(policy.parse("Vi\u1ec7t").display()).as("Vietnamese: a dot below and a circumflex").isEqualTo("Vi\u1ec7t");
        assertThat(policy.parse("xb\u0308\u0301").display()).as("two marks that compose with nothing").isEqualTo("xb\u0308\u0301");
        assertThat(policy.parse("\u0915\u094c\u0902\u0915").display()).as("Devanagari: a vowel sign and a nasal").hasSize(4);
        for (String name : new String[]{"zoe\u0301\u0302\u0303", "zo\u1ebf\u0303", "Vi\u1ec7\u0301t", "a\u0301\u0302\u0303\u0304b", "x" + "\u0301".repeat(22) + "y",
                "ab\u0489\u0489\u0489", "\u0915\u094c\u0902\u0901"}) {
            assertThatThrownBy(() -> policy.parse(name)).as(name)
                    .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_USERNAME));
        }
    }

    /** What NFKC would turn into allowed characters is judged as typed too: no-break spaces, spacing accents. */
    @ParameterizedTest
    @ValueSource(strings = {"a\u00a0b", "a\u3000b", "a\u00a8b", "ab\u00b4", "a\u2002b"})
    void charactersRefusedAsTypedStayRefused(String name) {
        assertThatThrownBy(() -> policy.parse(name))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_USERNAME));
    }

    @ParameterizedTest
    @CsvSource({"alice, alicia", "bob, rob", "anna, ann", "Iris, Irene", "marta, martha"})
    void differentNamesHaveDifferentKeys(String a, String b) {
        assertThat(policy.parse(a).keys()).doesNotContainAnyElementsOf(policy.parse(b).keys());
    }
}
