package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Go's URL escapers on their own, without a template around them. The cases are Go's
 * {@code src/html/template/url_test.go} (TestURLNormalizer, TestURLFilters, TestSrcsetFilter),
 * Copyright 2011 The Go Authors, kept as data under Go's BSD-style licence
 * (https://go.dev/LICENSE: redistribution with this notice, the conditions and the disclaimer).
 */
class UrlEscapersTest {

    private static final String[][] NORMALIZED = {
        {"", ""},
        {"http://example.com:80/foo/bar?q=foo%20&bar=x+y#frag", "http://example.com:80/foo/bar?q=foo%20&bar=x+y#frag"},
        {" ", "%20"},
        {"%7c", "%7c"},
        {"%7C", "%7C"},
        {"%2", "%252"},
        {"%", "%25"},
        {"%z", "%25z"},
        {"/foo|bar/%5c\u1234", "/foo%7cbar/%5c%e1%88%b4"},
    };

    @Test
    void urlNormalizerEncodesWhatAUrlMayNotHoldAndIsIdempotent() {
        for (String[] c : NORMALIZED) {
            assertThat(UrlEscapers.urlNormalizer(c[0])).as(c[0]).isEqualTo(c[1]);
            assertThat(UrlEscapers.urlNormalizer(c[1])).as("again: " + c[1]).isEqualTo(c[1]);
        }
    }

    /** Every ASCII character, then a few beyond (TestURLFilters' input). */
    private static String allCharacters() {
        StringBuilder input = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            input.append(c);
        }
        return input.append("\u00A0\u0100\u2028\u2029\ufeff").appendCodePoint(0x1D11E).toString();
    }

    private static final String CONTROLS = "%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f"
            + "%10%11%12%13%14%15%16%17%18%19%1a%1b%1c%1d%1e%1f";
    private static final String BEYOND_ASCII = "%c2%a0%c4%80%e2%80%a8%e2%80%a9%ef%bb%bf%f0%9d%84%9e";

    @Test
    void urlEscaperEncodesAllButUnreservedCharacters() {
        assertThat(UrlEscapers.urlEscaper(allCharacters(), null)).isEqualTo(CONTROLS
                + "%20%21%22%23%24%25%26%27%28%29%2a%2b%2c-.%2f"
                + "0123456789%3a%3b%3c%3d%3e%3f"
                + "%40ABCDEFGHIJKLMNO"
                + "PQRSTUVWXYZ%5b%5c%5d%5e_"
                + "%60abcdefghijklmno"
                + "pqrstuvwxyz%7b%7c%7d~%7f"
                + BEYOND_ASCII);
    }

    @Test
    void urlNormalizerKeepsReservedCharacters() {
        assertThat(UrlEscapers.urlNormalizer(allCharacters())).isEqualTo(CONTROLS
                + "%20!%22#$%25&%27%28%29*+,-./"
                + "0123456789:;%3c=%3e?"
                + "@ABCDEFGHIJKLMNO"
                + "PQRSTUVWXYZ[%5c]%5e_"
                + "%60abcdefghijklmno"
                + "pqrstuvwxyz%7b%7c%7d~%7f"
                + BEYOND_ASCII);
    }

    @Test
    void srcsetFilterRefusesEachUnsafeCandidateAlone() {
        String[][] cases = {
            {"http://example.com/img.png", "http://example.com/img.png"},
            {" /img.png 200w", " /img.png 200w"},
            {"javascript:alert(1) 200w", "#ZgotmplZ"},
            {"foo.png, bar.png", "foo.png, bar.png"},
            {"javascript:alert(1), /foo.png", "#ZgotmplZ, /foo.png"},
            {"/bogus#, javascript:alert(1)", "/bogus#,#ZgotmplZ"},
        };
        for (String[] c : cases) {
            assertThat(UrlEscapers.srcsetFilterAndEscaper(c[0], null)).as(c[0]).isEqualTo(c[1]);
        }
    }
}
