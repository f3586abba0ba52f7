package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Go's CSS escapers on their own, without a template around them. The cases are Go's
 * {@code src/html/template/css_test.go} (TestDecodeCSS, TestCSSEscaper, TestCSSValueFilter),
 * Copyright 2011 The Go Authors, kept as data under Go's BSD-style licence
 * (https://go.dev/LICENSE: redistribution with this notice, the conditions and the disclaimer).
 */
class CssEscapersTest {

    private static final String[][] DECODED = {
        {"", ""},
        {"foo", "foo"},
        {"foo\\", "foo"},
        {"foo\\\\", "foo\\"},
        {"\\", ""},
        {"\\A", "\n"},
        {"\\a", "\n"},
        {"\\0a", "\n"},
        {"\\00000a", "\n"},
        {"\\000000a", "\u0000" + "a"},
        {"\\1234 5", "\u1234" + "5"},
        {"\\1234\\20 5", "\u1234" + " 5"},
        {"\\1234\\A 5", "\u1234" + "\n5"},
        {"\\1234\t5", "\u1234" + "5"},
        {"\\1234\n5", "\u1234" + "5"},
        {"\\1234\r\n5", "\u1234" + "5"},
        {"\\12345", new String(Character.toChars(0x12345))},
        {"\\\\", "\\"},
        {"\\\\ ", "\\ "},
        {"\\\"", "\""},
        {"\\'", "'"},
        {"\\.", "."},
        {"\\. .", ". ."},
        {"The \\3c i\\3equick\\3c/i\\3e,\\d\\A\\3cspan style=\\27 color:brown\\27\\3e brown\\3c/span\\3e  fox jumps"
                + "\\2028over the \\3c canine class=\\22lazy\\22 \\3e dog\\3c/canine\\3e",
            "The <i>quick</i>,\r\n<span style='color:brown'>brown</span> fox jumps\u2028over the <canine class=\"lazy\">dog</canine>"},
    };

    @Test
    void cssEscapesAreDecodedAsGoDecodesThemAndEscapingUndoesDecoding() {
        for (String[] c : DECODED) {
            String decoded = CssEscapers.decodeCss(c[0]);
            assertThat(decoded).as(c[0]).isEqualTo(c[1]);
            assertThat(CssEscapers.decodeCss(CssEscapers.cssEscaper(decoded))).as("escaped and decoded: " + c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void cssEscaperEscapesGosSpecialsAndSpacesAfterAnEscapeBeforeAHexDigitOrSpace() {
        StringBuilder input = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            input.append(c);
        }
        String nonAscii = "\u00A0\u0100\u2028\u2029\ufeff" + new String(Character.toChars(0x1D11E));
        input.append(nonAscii);
        StringBuilder want = new StringBuilder("\\0");
        for (char c = 0x01; c <= 0x08; c++) {
            want.append(c);
        }
        want.append("\\9 \\a").append((char) 0x0b).append("\\c \\d");
        for (char c = 0x0e; c <= 0x1f; c++) {
            want.append(c);
        }
        want.append(" !\\22#$%\\26\\27\\28\\29*\\2b,-.\\2f ")
                .append("0123456789\\3a\\3b\\3c=\\3e?")
                .append("@ABCDEFGHIJKLMNO")
                .append("PQRSTUVWXYZ[\\\\]^_")
                .append("`abcdefghijklmno")
                .append("pqrstuvwxyz\\7b|\\7d~").append((char) 0x7f)
                .append(nonAscii);

        String escaped = CssEscapers.cssEscaper(input.toString());

        assertThat(escaped).isEqualTo(want.toString());
        assertThat(CssEscapers.decodeCss(escaped)).isEqualTo(input.toString());
    }

    private static final String[][] FILTERED = {
        {"", ""},
        {"foo", "foo"},
        {"0", "0"},
        {"0px", "0px"},
        {"-5px", "-5px"},
        {"1.25in", "1.25in"},
        {"+.33em", "+.33em"},
        {"100%", "100%"},
        {"12.5%", "12.5%"},
        {".foo", ".foo"},
        {"#bar", "#bar"},
        {"corner-radius", "corner-radius"},
        {"-moz-corner-radius", "-moz-corner-radius"},
        {"#000", "#000"},
        {"#48f", "#48f"},
        {"#123456", "#123456"},
        {"U+00-FF, U+980-9FF", "U+00-FF, U+980-9FF"},
        {"color: red", "color: red"},
        {"<!--", "ZgotmplZ"},
        {"-->", "ZgotmplZ"},
        {"<![CDATA[", "ZgotmplZ"},
        {"]]>", "ZgotmplZ"},
        {"</style", "ZgotmplZ"},
        {"\"", "ZgotmplZ"},
        {"'", "ZgotmplZ"},
        {"`", "ZgotmplZ"},
        {"\u0000", "ZgotmplZ"},
        {"/* foo */", "ZgotmplZ"},
        {"//", "ZgotmplZ"},
        {"[href=~", "ZgotmplZ"},
        {"expression(alert(1337))", "ZgotmplZ"},
        {"-expression(alert(1337))", "ZgotmplZ"},
        {"expression", "ZgotmplZ"},
        {"Expression", "ZgotmplZ"},
        {"EXPRESSION", "ZgotmplZ"},
        {"-moz-binding", "ZgotmplZ"},
        {"-expr\u0000ession(alert(1337))", "ZgotmplZ"},
        {"-expr\\0ession(alert(1337))", "ZgotmplZ"},
        {"-express\\69on(alert(1337))", "ZgotmplZ"},
        {"-express\\69 on(alert(1337))", "ZgotmplZ"},
        {"-exp\\72 ession(alert(1337))", "ZgotmplZ"},
        {"-exp\\52 ession(alert(1337))", "ZgotmplZ"},
        {"-exp\\000052 ession(alert(1337))", "ZgotmplZ"},
        {"-expre\\0000073sion", "-expre" + (char) 0x07 + "3sion"},
        {"@import url evil.css", "ZgotmplZ"},
    };

    @Test
    void cssValueFilterPassesInnocuousValuesAndRefusesTheRestAsGoDoes() {
        for (String[] c : FILTERED) {
            assertThat(CssEscapers.cssValueFilter(c[0])).as(c[0]).isEqualTo(c[1]);
        }
    }
}
