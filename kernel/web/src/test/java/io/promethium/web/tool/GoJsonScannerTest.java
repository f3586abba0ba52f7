package io.promethium.web.tool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Syntax errors as Go's encoding/json words them (scanner.go's states and contexts; the
 * object-key, array and top-level cases are those of Go's decode_test.go syntax errors).
 */
class GoJsonScannerTest {

    @Test
    void validJsonHasNoError() {
        for (String ok : new String[] {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", " 123 ", "-0.5e+3",
            "[true,false,null,\"\\u00e9\\n\"]", "{}", "[]", "\"\"", "0"}) {
            assertThat(GoJsonScanner.syntaxError(ok)).as(ok).isNull();
        }
    }

    @Test
    void eachMistakeIsWordedAsGosScanner() {
        String[][] cases = {
            {"", "unexpected end of JSON input"},
            {"   ", "unexpected end of JSON input"},
            {"[2, 3", "unexpected end of JSON input"},
            {"{\"a\":\"b", "unexpected end of JSON input"},
            // scanner.eof steps a space through the state: a literal cut short names it.
            {"tru", "invalid character ' ' in literal true (expecting 'e')"},
            {"-", "invalid character ' ' in numeric literal"},
            {"<html>", "invalid character '<' looking for beginning of value"},
            {"{\"X\": \"foo\", \"Y\"}", "invalid character '}' after object key"},
            {"[1, 2, 3+]", "invalid character '+' after array element"},
            {"{\"X\":12x}", "invalid character 'x' after object key:value pair"},
            {"{\"a\":1}x", "invalid character 'x' after top-level value"},
            {"01", "invalid character '1' after top-level value"},
            {"{1:2}", "invalid character '1' looking for beginning of object key string"},
            {"{\"a\":1,}", "invalid character '}' looking for beginning of object key string"},
            {"[1,]", "invalid character ']' looking for beginning of value"},
            {"trux", "invalid character 'x' in literal true (expecting 'e')"},
            {"nul", "invalid character ' ' in literal null (expecting 'l')"},
            {"nulL", "invalid character 'L' in literal null (expecting 'l')"},
            {"fals3", "invalid character '3' in literal false (expecting 'e')"},
            {"-x", "invalid character 'x' in numeric literal"},
            {"1.x", "invalid character 'x' after decimal point in numeric literal"},
            {"1ex", "invalid character 'x' in exponent of numeric literal"},
            {"\"\\x\"", "invalid character 'x' in string escape code"},
            {"\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape"},
            {"\"a\tb\"", "invalid character '\\t' in string literal"},
            {"'a'", "invalid character '\\'' looking for beginning of value"},
            {"\u00e9", "invalid character 'Ã' looking for beginning of value"},
        };
        for (String[] c : cases) {
            assertThat(GoJsonScanner.syntaxError(c[0])).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void nestingDeeperThanGosLimitIsRefused() {
        assertThat(GoJsonScanner.syntaxError("[".repeat(10001))).isEqualTo("exceeded max depth");
        assertThat(GoJsonScanner.syntaxError("[".repeat(10000) + "]".repeat(10000))).isNull();
    }
}
