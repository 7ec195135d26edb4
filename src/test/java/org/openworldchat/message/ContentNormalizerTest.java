package org.openworldchat.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentNormalizerTest {

    @Test
    void composesStripsAndTrims() {
        assertThat(ContentNormalizer.normalize("  Rene\u0301  ")).isEqualTo("René");
        assertThat(ContentNormalizer.normalize("a\u0000b\u0007c\u001bd\u007fe")).isEqualTo("abcde");
        assertThat(ContentNormalizer.normalize("line one\nline\ttwo")).isEqualTo("line one\nline\ttwo");
        assertThat(ContentNormalizer.normalize("\u202Egnp.exe\u202C \u2066x\u2069")).isEqualTo("gnp.exe x");
        assertThat(ContentNormalizer.normalize("\n\t \u0000")).isEmpty();
        assertThat(ContentNormalizer.normalize(null)).isEmpty();
    }

    /** A removed character between a letter and its combining mark must not leave the text decomposed. */
    @Test
    void stripsBeforeComposing() {
        String stored = ContentNormalizer.normalize("e\u0007\u0301");
        assertThat(stored).isEqualTo("\u00e9");
        assertThat(java.text.Normalizer.isNormalized(stored, java.text.Normalizer.Form.NFC)).isTrue();
        assertThat(ContentNormalizer.normalize("Rene\u202E\u0301")).isEqualTo("Ren\u00e9");
        assertThat(ContentNormalizer.normalize("A\u0000\u030A\u0000 ")).as("then trimmed").isEqualTo("\u00c5");
    }

    @Test
    void trimsEveryUnicodeWhiteSpaceNoBreakSpacesIncluded() {
        assertThat(ContentNormalizer.normalize("\u00a0")).isEmpty();
        assertThat(ContentNormalizer.normalize("\u00a0\u2007x\u202f\u3000")).isEqualTo("x");
        assertThat(ContentNormalizer.normalize("a\u00a0b")).as("inner spaces stay").isEqualTo("a\u00a0b");
    }

    /** Text that shows nothing is no text: an image may go with it, but alone it is an empty message. */
    @Test
    void textOfOnlyInvisibleOrBlankCharactersIsEmpty() {
        assertThat(ContentNormalizer.normalize("\u200b")).isEmpty();
        assertThat(ContentNormalizer.normalize("\u3164")).isEmpty();
        assertThat(ContentNormalizer.normalize("\u2800")).isEmpty();
        assertThat(ContentNormalizer.normalize("\u115f\u1160\uffa0")).isEmpty();
        assertThat(ContentNormalizer.normalize("\u200b\u3164 \u2800\n\u2060\ufeff\u00ad\u034f\ufe0f\u180e")).isEmpty();
        assertThat(ContentNormalizer.normalize("\u200c\u200d\u2063\udb40\udc20")).isEmpty();
    }

    /** Invisible characters next to visible ones stay: emoji sequences need joiners and variation selectors. */
    @Test
    void invisibleCharactersBesideVisibleTextStay() {
        assertThat(ContentNormalizer.normalize("\u2764\ufe0f")).isEqualTo("\u2764\ufe0f");
        String family = "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67";
        assertThat(ContentNormalizer.normalize(family)).isEqualTo(family);
        assertThat(ContentNormalizer.normalize("a\u200bb")).isEqualTo("a\u200bb");
        assertThat(ContentNormalizer.normalize("\u3164 hi")).isEqualTo("\u3164 hi");
    }

    @Test
    void aLoneSurrogateBecomesTheReplacementCharacter() {
        assertThat(ContentNormalizer.normalize("q\ud800q\udc00")).isEqualTo("q\ufffdq\ufffd");
        assertThat(ContentNormalizer.normalize("\ud83d\ude00")).as("a pair is one code point").isEqualTo("😀");
    }

    @Test
    void htmlIsJustText() {
        assertThat(ContentNormalizer.normalize("<b>bold</b> & <script>")).isEqualTo("<b>bold</b> & <script>");
    }

    @Test
    void lengthCountsCodePoints() {
        assertThat(ContentNormalizer.length("😀".repeat(3))).isEqualTo(3);
    }
}
