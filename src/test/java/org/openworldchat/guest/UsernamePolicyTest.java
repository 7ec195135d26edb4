package org.openworldchat.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @org.junit.jupiter.api.Test
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

    @ParameterizedTest
    @CsvSource({"alice, alicia", "bob, rob", "anna, ann", "Iris, Irene", "marta, martha"})
    void differentNamesHaveDifferentKeys(String a, String b) {
        assertThat(policy.parse(a).keys()).doesNotContainAnyElementsOf(policy.parse(b).keys());
    }
}
