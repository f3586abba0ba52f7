package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Template functions whose Go counterparts differ from the nearest Java method. */
class TemplateFunctionsTest {

    @Test
    void trimSpaceRemovesWhatGosStringsTrimSpaceRemoves() throws Exception {
        // unicode.IsSpace: \t \n \v \f \r, space, U+0085, U+00A0, and Unicode's other White_Space.
        assertThat(TemplateFunctions.trimSpace("\u0085\u00a0\t\u000b a b \u2007\u202f\u3000\u2028")).isEqualTo("a b");
        // Java's strip() also removes the information separators U+001C..U+001F; Go keeps them.
        assertThat(TemplateFunctions.trimSpace("\u001c a \u001f")).isEqualTo("\u001c a \u001f");
        assertThat(TemplateFunctions.trimSpace(" \t\n ")).isEmpty();
        assertThat(Template.parse("t", "[{{ trimSpace .s }}]", Dialect.ALERTMANAGER, null)
                .execute(Map.of("s", "\u00a0 firing \u0085"), QueryFunction.NONE, "")).isEqualTo("[firing]");
    }

    /**
     * Go orders strings by their UTF-8 bytes (code points) when it prints a map, ranges over one,
     * encodes one to JSON, and in sortByLabel: U+FF21 before U+1F600, which Java's UTF-16
     * {@code compareTo} puts the other way round. Both can be UTF-8 label names.
     */
    @Test
    void mapsAndLabelsAreOrderedByUtf8BytesAsGoOrdersStrings() throws Exception {
        String full = "\uFF21";
        String emoji = "\uD83D\uDE00";
        Map<String, Object> data = Map.of("m", Map.of(emoji, "2", full, "1", "service.name", "x"));
        assertThat(Template.parse("t", "{{ .m }}|{{ range $k, $v := .m }}{{ $k }};{{ end }}")
                .execute(data, QueryFunction.NONE, "")).isEqualTo("map[service.name:x " + full + ":1 " + emoji + ":2]|service.name;" + full + ";" + emoji + ";");
        assertThat(Template.parse("t", "{{ toJson .m }}", Dialect.ALERTMANAGER, null).execute(data, QueryFunction.NONE, ""))
                .isEqualTo("{\"service.name\":\"x\",\"" + full + "\":\"1\",\"" + emoji + "\":\"2\"}");
        java.util.List<QuerySample> samples = java.util.List.of(new QuerySample(io.promethium.api.model.Labels.of("k", emoji), 2),
                new QuerySample(io.promethium.api.model.Labels.of("k", full), 1));
        assertThat(Template.parse("t", "{{ range sortByLabel \"k\" .s }}{{ .Value }}{{ end }}")
                .execute(Map.of("s", samples), QueryFunction.NONE, "")).isEqualTo("12");
        assertThat(GoOrder.compare("a", "ab")).isNegative();
        assertThat(GoOrder.compare(emoji, full)).isPositive();
    }
}
