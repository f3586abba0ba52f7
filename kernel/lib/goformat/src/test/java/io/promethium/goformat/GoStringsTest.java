package io.promethium.goformat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected texts are what Go 1.22 prints for the same input (json.Marshal, Encoder.SetEscapeHTML(false), strconv.Quote). */
class GoStringsTest {

    @Test
    void jsonEscapesAsGoWithAndWithoutHtmlEscaping() {
        String s = "a\"b\\c\n\r\t\u0001<p>&\u2028\u2029é😀";
        assertThat(GoStrings.json(s, true)).isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u003cp\\u003e\\u0026\\u2028\\u2029é😀\"");
        assertThat(GoStrings.json(s, false)).isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\u0001<p>&\\u2028\\u2029é😀\"");
    }

    @Test
    void jsonWritesBackspaceAndFormFeedAsShortEscapesAsGo122Does() {
        assertThat(GoStrings.json("\b\f\u000B", true)).isEqualTo("\"\\b\\f\\u000b\"");
    }

    @Test
    void jsonWritesALoneSurrogateAsTheReplacementCharacterAsGoDoesAnInvalidByte() {
        assertThat(GoStrings.json("x\uD800y\uDC00", false)).isEqualTo("\"x\uFFFDy\uFFFD\"");
    }

    @Test
    void appendJsonAddsToWhatIsThere() {
        assertThat(GoStrings.appendJson(new StringBuilder("k:"), "v", true).toString()).isEqualTo("k:\"v\"");
    }

    @Test
    void quoteIsStrconvQuoteForControlCharactersAndInvalidBytes() {
        assertThat(GoStrings.quote("a\"b\\c\n\r\t")).isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\"");
        assertThat(GoStrings.quote("\u0007\b\f\u000B\u0001\u007f")).isEqualTo("\"\\a\\b\\f\\v\\x01\\x7f\"");
        // The parsers keep an invalid UTF-8 byte 0xff as U+DCFF; Go prints the byte.
        assertThat(GoStrings.quote("x\uDCFFy")).isEqualTo("\"x\\xffy\"");
        assertThat(GoStrings.quote("é😀")).isEqualTo("\"é😀\"");
    }
}
