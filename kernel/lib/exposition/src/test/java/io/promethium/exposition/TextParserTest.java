package io.promethium.exposition;

import static io.promethium.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextParserTest {

    private static ParsedPage parse(String page) throws ExpositionException {
        return ParsedPage.parse(PROMETHEUS_TEXT_0_0_4, page);
    }

    @Test
    void readsHelpTypeCommentsAndSamplesInOrder() throws Exception {
        ExpositionParser p = parser("""
                # HELP http_requests_total The total. \\\\ and \\n
                # TYPE http_requests_total counter
                # just a comment
                http_requests_total{method="post",code="200"} 1027 1395066363000
                """);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.HELP);
        assertThat(p.metricFamilyName()).isEqualTo("http_requests_total");
        assertThat(p.help()).isEqualTo("The total. \\ and \n");
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.TYPE);
        assertThat(p.type()).isEqualTo(MetricType.COUNTER);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.COMMENT);
        assertThat(p.comment()).isEqualTo(" just a comment");
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SERIES);
        assertThat(p.lineNumber()).isEqualTo(4);
        assertThat(new String(p.buffer(), p.seriesOffset(), p.seriesLength(), StandardCharsets.UTF_8))
                .isEqualTo("http_requests_total{method=\"post\",code=\"200\"}");
        Labels.Builder b = Labels.builder();
        p.labels(b);
        assertThat(b.build()).isEqualTo(Labels.of("__name__", "http_requests_total", "method", "post", "code", "200"));
        assertThat(p.value()).isEqualTo(1027.0);
        assertThat(p.hasTimestamp()).isTrue();
        assertThat(p.timestamp()).isEqualTo(1395066363000L);
        assertThat(p.hasExemplar()).isFalse();
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.EOF);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.EOF);
    }

    @Test
    void untypedReadsAsUnknown() throws Exception {
        assertThat(parse("# TYPE x untyped\nx 1\n").metadata().get(0).type()).isEqualTo(MetricType.UNKNOWN);
    }

    @Test
    void resolvesLabelValueEscapesAndKeepsUnknownOnes() throws Exception {
        ParsedPage page = parse("a{x=\"q\\\"uote\",y=\"back\\\\slash\",z=\"new\\nline\",w=\"keep\\t\"} 1\n");
        Labels labels = page.samples().get(0).labels();
        assertThat(labels.get("x")).isEqualTo("q\"uote");
        assertThat(labels.get("y")).isEqualTo("back\\slash");
        assertThat(labels.get("z")).isEqualTo("new\nline");
        assertThat(labels.get("w")).isEqualTo("keep\\t");
    }

    @Test
    void acceptsBlanksBetweenTokensTrailingCommaAndBlankLines() throws Exception {
        ParsedPage page = parse("\n  a { x = \"1\" , y=\"2\", }\t 3 \t 42 \n\n\tb 4\n");
        assertThat(page.samples()).hasSize(2);
        assertThat(page.samples().get(0).labels()).isEqualTo(Labels.of("__name__", "a", "x", "1", "y", "2"));
        assertThat(page.samples().get(0).value()).isEqualTo(3.0);
        assertThat(page.samples().get(0).timestamp()).isEqualTo(42L);
        assertThat(page.samples().get(1).timestamp()).isNull();
    }

    @Test
    void readsSpecialValuesAndSignedTimestamps() throws Exception {
        ParsedPage page = parse("a +Inf\nb -Inf\nc NaN\nd -1.5e-3 -1000\ne 1e+06\nf 0x\n".replace("f 0x\n", ""));
        assertThat(page.samples()).extracting(ParsedPage.Sample::value)
                .containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, -0.0015, 1e6);
        assertThat(page.samples().get(3).timestamp()).isEqualTo(-1000L);
    }

    @Test
    void lastLineNeedsNoNewline() throws Exception {
        assertThat(parse("a 1\nb 2").samples()).hasSize(2);
    }

    @Test
    void emptyPageIsJustEof() throws Exception {
        assertThat(parse("").samples()).isEmpty();
    }

    @Test
    void quotedUtf8NamesOfFormat100() throws Exception {
        ParsedPage page = ParsedPage.parse(ExpositionFormat.PROMETHEUS_TEXT_1_0_0,
                "# TYPE \"my.metric\" gauge\n{\"my.metric\",\"label.name\"=\"v\",x=\"y\"} 1\n");
        assertThat(page.metadata().get(0).name()).isEqualTo("my.metric");
        assertThat(page.samples().get(0).labels())
                .isEqualTo(Labels.of("__name__", "my.metric", "label.name", "v", "x", "y"));
    }

    @Test
    void emptyLabelValueDropsTheLabel() throws Exception {
        assertThat(parse("a{x=\"\",y=\"1\"} 1\n").samples().get(0).labels()).isEqualTo(Labels.of("__name__", "a", "y", "1"));
    }

    @Test
    void seriesBytesExcludeValueAndTimestamp() throws Exception {
        assertThat(parse("a 1 2\nb{c=\"d\"} 3\n").samples()).extracting(ParsedPage.Sample::seriesBytes)
                .containsExactly("a", "b{c=\"d\"}");
    }

    @Test
    void errorsNameTheLineAndWhatIsWrong() {
        assertError("a 1\nb{x=1} 2\n", "line 2: label value must be a double-quoted string");
        assertError("a 1\n\nb abc\n", "line 3: invalid value \"abc\"");
        assertError("a 1 1.5\n", "line 1: invalid timestamp \"1.5\"");
        assertError("a 1 2 3\n", "line 1: unexpected text after the timestamp");
        assertError("a\n", "line 1: missing value");
        assertError("0a 1\n", "line 1: invalid metric name");
        assertError("a{x=\"1\",x=\"2\"} 1\n", "line 1: duplicate label name \"x\"");
        assertError("a{x=\"1 2\n", "line 1: unterminated quoted label value");
        assertError("# TYPE a nonsense\n", "line 1: invalid metric type \"nonsense\"");
        assertError("# TYPE a\n", "line 1: missing metric type");
        assertError("# TYPE a unknown\n", "line 1: invalid metric type \"unknown\"");
        assertError("# TYPE a info\n", "line 1: invalid metric type \"info\"");
        assertError("a 0x1p3\n", "line 1: invalid value \"0x1p3\"");
        assertError("a 1_000\n", "line 1: invalid value \"1_000\"");
    }

    /** Every character class must be recognised at every position of a long name. */
    @Test
    void longNamesAreValidatedAtEveryPosition() throws Exception {
        String base = "abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
        for (int i = 1; i < 40; i++) {
            String withColon = base.substring(0, i) + ":" + base.substring(i);
            assertThat(parse(withColon + "{" + base + "=\"v\"} 1\n").samples().get(0).labels().metricName())
                    .isEqualTo(withColon);
            for (char bad : new char[] {'.', '-', '\u00e9', '@', '`', '[', '{', '/', '~', '\u007f'}) {
                String name = base.substring(0, i) + bad + base.substring(i);
                assertThatThrownBy(() -> parse(name + " 1\n")).as(name).isInstanceOf(ExpositionException.class);
                String label = base.substring(0, i) + bad + base.substring(i);
                assertThatThrownBy(() -> parse("a{" + label + "=\"v\"} 1\n")).as(label).isInstanceOf(ExpositionException.class);
            }
        }
    }

    @Test
    void quotedValuesAreScannedAtEveryPosition() throws Exception {
        String base = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 30; i++) {
            String value = base.substring(0, i) + "\\\"" + base.substring(i);
            assertThat(parse("a{x=\"" + value + "\"} 1\n").samples().get(0).labels().get("x"))
                    .isEqualTo(base.substring(0, i) + "\"" + base.substring(i));
            String broken = base.substring(0, i) + "\n" + base.substring(i);
            assertThatThrownBy(() -> parse("a{x=\"" + broken + "\"} 1\n")).isInstanceOf(ExpositionException.class);
        }
    }

    @Test
    void labelValuesMustBeUtf8() throws Exception {
        assertThat(parse("a{x=\"h\u00e9llo \u2603 \uD83D\uDE00 0123456789\"} 1\n").samples().get(0).labels().get("x"))
                .isEqualTo("h\u00e9llo \u2603 \uD83D\uDE00 0123456789");
        for (byte[] bad : new byte[][] {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xe2, (byte) 0x98},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}}) {
            byte[] head = "a{x=\"0123456789".getBytes(StandardCharsets.UTF_8);
            byte[] tail = "\"} 1\n".getBytes(StandardCharsets.UTF_8);
            byte[] page = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, page, 0, head.length);
            System.arraycopy(bad, 0, page, head.length, bad.length);
            System.arraycopy(tail, 0, page, head.length + bad.length, tail.length);
            assertThatThrownBy(() -> ParsedPage.parse(PROMETHEUS_TEXT_0_0_4.newParser(page, 0, page.length)))
                    .isInstanceOf(ExpositionException.class).hasMessageContaining("invalid UTF-8 in quoted label value");
        }
    }

    @Test
    void duplicatesAreFoundInLargeLabelSets() throws Exception {
        for (int size : new int[] {5, 31, 32, 33, 100, 5000}) {
            StringBuilder line = new StringBuilder("a{");
            for (int i = 0; i < size; i++) {
                line.append("l").append(i).append("=\"v\",");
            }
            String unique = line + "z=\"v\"} 1\n";
            assertThat(parse(unique).samples().get(0).labels().size()).isEqualTo(size + 2);
            String repeated = line + "l" + (size / 2) + "=\"w\"} 1\n";
            assertThatThrownBy(() -> parse(repeated)).as("size " + size)
                    .hasMessageStartingWith("line 1: duplicate label name \"l" + (size / 2) + "\"");
        }
    }

    @Test
    void errorMessagesStayShortForHugeTokens() {
        String huge = "9".repeat(100_000) + "x";
        assertThatThrownBy(() -> parse("a " + huge + "\n"))
                .hasMessageStartingWith("line 1: invalid value \"999")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400));
    }

    @Test
    void errorMessageQuotesTheLine() {
        assertThatThrownBy(() -> parse("good 1\nbad{ 1\n"))
                .isInstanceOf(ExpositionException.class)
                .hasMessageContaining("in \"bad{ 1\"")
                .satisfies(e -> assertThat(((ExpositionException) e).line()).isEqualTo(2));
    }

    @Test
    void parserRefusesToContinueAfterAnError() throws Exception {
        ExpositionParser p = parser("a{ 1\nb 2\n");
        assertThatThrownBy(p::next).isInstanceOf(ExpositionException.class);
        assertThatThrownBy(p::next).isInstanceOf(ExpositionException.class).hasMessageContaining("after an error");
    }

    @Test
    void parsesAWindowOfALargerBuffer() throws Exception {
        byte[] bytes = "garbage{{{\na 1\nmore garbage".getBytes(StandardCharsets.UTF_8);
        ExpositionParser p = PROMETHEUS_TEXT_0_0_4.newParser(bytes, 11, 4);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SERIES);
        assertThat(p.seriesOffset()).isEqualTo(11);
        assertThat(p.value()).isEqualTo(1.0);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.EOF);
    }

    @Test
    void badWindowIsRejectedAtConstruction() {
        assertThatThrownBy(() -> PROMETHEUS_TEXT_0_0_4.newParser(new byte[4], 2, 5))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static void assertError(String page, String message) {
        assertThatThrownBy(() -> parse(page)).as(page).isInstanceOf(ExpositionException.class).hasMessageStartingWith(message);
    }

    private static ExpositionParser parser(String page) {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        return PROMETHEUS_TEXT_0_0_4.newParser(bytes, 0, bytes.length);
    }
}
