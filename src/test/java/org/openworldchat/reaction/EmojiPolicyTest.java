package org.openworldchat.reaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmojiPolicyTest {

    private final EmojiPolicy policy = new EmojiPolicy();

    @ParameterizedTest
    @ValueSource(strings = {"🔥", "❤️", "👍", "👍🏽", "👨‍👩‍👧", "👨🏻‍👩🏻‍👧🏻‍👦🏻", "1️⃣", "#️⃣", "🇫🇷", "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
            "🏳️‍🌈", "🫠", "©️", "😀"})
    void acceptsOneEmoji(String emoji) {
        assertThat(policy.canonical(emoji)).contains(emoji);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "1", "#", "*", ":)", "🔥🔥", "👍 ", " 👍", "❤️x", "\u200d", "\ufe0f", "🇫",
            "<b>", "❤\ufe0e", "👍\u0301"})
    void refusesAnythingElse(String text) {
        assertThat(policy.canonical(text)).isEmpty();
    }

    @Test
    void addsTheMissingPresentationSelector() {
        assertThat(policy.canonical("❤")).contains("❤️");
    }

    @Test
    void refusesAbsurdlyLongClusters() {
        assertThat(policy.canonical("👨" + "\u200d👨".repeat(20))).isEmpty();
        assertThat(policy.canonical(null)).isEmpty();
    }
}
