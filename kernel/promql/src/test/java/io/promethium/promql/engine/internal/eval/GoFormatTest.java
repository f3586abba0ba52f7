package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoFormatTest {

    @Test
    void quotesAsGoPercentQ() {
        assertThat(GoFormat.quote("a\"b\\c\nd\te\rf")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\rf\"");
        assertThat(GoFormat.quote("caf\u00e9 \uD83D\uDE00")).isEqualTo("\"caf\u00e9 \uD83D\uDE00\"");
        assertThat(GoFormat.quote("\u0000\u007f")).isEqualTo("\"\\x00\\x7f\"");
    }

    @Test
    void aByteThatIsNotUtf8PrintsAsHexEscape() {
        // The parser keeps the raw byte 0xc5 of "a\xc5z" as the lone surrogate U+DCC5.
        assertThat(GoFormat.quote("a\uDCC5z")).isEqualTo("\"a\\xc5z\"");
    }
}
