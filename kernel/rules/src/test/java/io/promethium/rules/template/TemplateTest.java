package io.promethium.rules.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.rules.internal.template.Expander;
import io.promethium.templates.QueryFunction;
import io.promethium.templates.QuerySample;
import io.promethium.templates.Template;
import io.promethium.rules.internal.template.TemplateData;
import io.promethium.templates.TemplateException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private static final TemplateData DATA = new TemplateData(Map.of("instance", "host-1.example.com:9100", "job", "node"),
            Map.of("cluster", "eu1"), "http://prom:9090", 0.4567);

    private static String expand(String text) {
        Expander.Result r = Expander.expand("t", text, DATA, QueryFunction.NONE);
        assertThat(r.error()).as("error of %s", text).isNull();
        return r.text();
    }

    private static String run(String text, Object data) throws TemplateException {
        return Template.parse("t", text).execute(data, QueryFunction.NONE, "");
    }

    @Test
    void textWithoutActionsIsCopied() {
        assertThat(expand("plain text")).isEqualTo("plain text");
    }

    @Test
    void labelsValueAndExternalLabelsAreVariables() {
        assertThat(expand("{{ $labels.job }} on {{ $labels.instance }} in {{ $externalLabels.cluster }} is {{ $value }}"))
                .isEqualTo("node on host-1.example.com:9100 in eu1 is 0.4567");
        assertThat(expand("{{ .Labels.job }}/{{ .Value }}/{{ $externalURL }}")).isEqualTo("node/0.4567/http://prom:9090");
    }

    @Test
    void missingLabelIsEmptyAsWithMissingkeyZero() {
        assertThat(expand("[{{ $labels.nope }}]")).isEqualTo("[]");
    }

    @Test
    void floatsPrintLikeGoPercentV() {
        assertThat(new TemplateData(Map.of(), Map.of(), "", 1e6).value()).isEqualTo(1e6);
        assertThat(Expander.expand("t", "{{ $value }}", new TemplateData(Map.of(), Map.of(), "", 1e6), QueryFunction.NONE).text())
                .isEqualTo("1e+06");
        assertThat(Expander.expand("t", "{{ $value }}", new TemplateData(Map.of(), Map.of(), "", 123456.0), QueryFunction.NONE).text())
                .isEqualTo("123456");
        assertThat(Expander.expand("t", "{{ $value }}", new TemplateData(Map.of(), Map.of(), "", 0.00001), QueryFunction.NONE).text())
                .isEqualTo("1e-05");
        assertThat(Expander.expand("t", "{{ $value }}", new TemplateData(Map.of(), Map.of(), "", Double.POSITIVE_INFINITY), QueryFunction.NONE).text())
                .isEqualTo("+Inf");
    }

    @Test
    void pipesPassTheValueAsLastArgument() {
        assertThat(expand("{{ $labels.job | toUpper }}")).isEqualTo("NODE");
        assertThat(expand("{{ \"a-b\" | reReplaceAll \"-\" \"_\" | toUpper }}")).isEqualTo("A_B");
        assertThat(expand("{{ $value | humanizePercentage }}")).isEqualTo("45.67%");
    }

    @Test
    void ifElseAndComparisons() {
        assertThat(expand("{{ if gt $value 0.5 }}high{{ else if gt $value 0.4 }}mid{{ else }}low{{ end }}")).isEqualTo("mid");
        assertThat(expand("{{ if and (eq $labels.job \"node\") (not (eq $labels.job \"x\")) }}yes{{ end }}")).isEqualTo("yes");
        assertThat(expand("{{ if or \"\" \"fallback\" }}{{ or \"\" \"fallback\" }}{{ end }}")).isEqualTo("fallback");
        assertThat(expand("{{ if ne $labels.job \"node\" }}x{{ else }}y{{ end }}")).isEqualTo("y");
        assertThat(expand("{{ if lt 1 2 }}lt{{ end }}{{ if eq \"a\" \"b\" \"a\" }}any{{ end }}")).isEqualTo("ltany");
    }

    @Test
    void comparingIntWithFloatFailsAsInGo() {
        Expander.Result r = Expander.expand("t", "{{ if gt $value 1 }}x{{ end }}", DATA, QueryFunction.NONE);
        assertThat(r.error()).contains("incompatible types for comparison");
        assertThat(r.text()).startsWith("<error expanding template: ");
    }

    @Test
    void rangeOverMapIsSortedByKeyAndBindsVariables() {
        assertThat(expand("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}"))
                .isEqualTo("instance=host-1.example.com:9100;job=node;");
        assertThat(expand("{{ range $labels }}{{ . }},{{ end }}")).isEqualTo("host-1.example.com:9100,node,");
        assertThat(expand("{{ range $x := args }}{{ else }}empty{{ end }}")).isEqualTo("empty");
    }

    @Test
    void withChangesDotOnlyWhenTruthy() {
        assertThat(expand("{{ with $labels.job }}job={{ . }}{{ end }}")).isEqualTo("job=node");
        assertThat(expand("{{ with $labels.none }}x{{ else }}none{{ end }}")).isEqualTo("none");
    }

    @Test
    void trimMarkersEatAdjacentWhitespace() throws TemplateException {
        assertThat(run("a  {{- \"b\" -}}  \n c", Map.of())).isEqualTo("abc");
        assertThat(run("{{/* a comment */}}x", Map.of())).isEqualTo("x");
    }

    @Test
    void humanizeFunctionsMatchPrometheus() {
        assertThat(expand("{{ humanize 1234567.0 }}")).isEqualTo("1.235M");
        assertThat(expand("{{ humanize 0.0012 }}")).isEqualTo("1.2m");
        assertThat(expand("{{ humanize 0 }}")).isEqualTo("0");
        assertThat(expand("{{ humanize \"2048\" }}")).isEqualTo("2.048k");
        assertThat(expand("{{ humanize1024 1048576.0 }}")).isEqualTo("1Mi");
        assertThat(expand("{{ humanize1024 512.0 }}")).isEqualTo("512");
        assertThat(expand("{{ humanizeDuration 90061.0 }}")).isEqualTo("1d 1h 1m 1s");
        assertThat(expand("{{ humanizeDuration 3661 }}")).isEqualTo("1h 1m 1s");
        assertThat(expand("{{ humanizeDuration 1.5 }}")).isEqualTo("1.5s");
        assertThat(expand("{{ humanizeDuration 0.0015 }}")).isEqualTo("1.5ms");
        assertThat(expand("{{ humanizeDuration 0 }}")).isEqualTo("0s");
        assertThat(expand("{{ humanizeDuration -60 }}")).isEqualTo("-1m 0s");
        assertThat(expand("{{ humanizePercentage 0.1234567 }}")).isEqualTo("12.35%");
        assertThat(expand("{{ humanizeTimestamp 1435065584.128 }}")).isEqualTo("2015-06-23 13:19:44.128 +0000 UTC");
        assertThat(expand("{{ humanizeTimestamp 0 }}")).isEqualTo("1970-01-01 00:00:00 +0000 UTC");
    }

    @Test
    void humanizeOfTextThatIsNoNumberIsAnError() {
        Expander.Result r = Expander.expand("t", "{{ humanize \"x\" }}", DATA, QueryFunction.NONE);
        assertThat(r.error()).contains("strconv.ParseFloat: parsing \"x\": invalid syntax");
    }

    @Test
    void printfSupportsGoVerbs() {
        assertThat(expand("{{ printf \"%.2f\" $value }}")).isEqualTo("0.46");
        assertThat(expand("{{ printf \"%.2f\" 2.675 }}")).isEqualTo("2.67");
        assertThat(expand("{{ printf \"%d items\" 3 }}")).isEqualTo("3 items");
        assertThat(expand("{{ printf \"%s=%q\" \"a\" \"b\\n\" }}")).isEqualTo("a=\"b\\n\"");
        assertThat(expand("{{ printf \"%v %v\" 1.5 true }}")).isEqualTo("1.5 true");
        assertThat(expand("{{ printf \"%f\" 1.0 }}")).isEqualTo("1.000000");
        assertThat(expand("{{ printf \"%5.1f|%-4s|%03d\" 3.14159 \"ab\" 7 }}")).isEqualTo("  3.1|ab  |007");
        assertThat(expand("{{ printf \"%d\" 1.5 }}")).isEqualTo("%!d(float64=1.5)");
        assertThat(expand("{{ printf \"%d %d\" 1 }}")).isEqualTo("1 %!d(MISSING)");
        assertThat(expand("{{ printf \"100%%\" }}")).isEqualTo("100%");
        assertThat(expand("{{ printf \"%e\" 123456.0 }}")).isEqualTo("1.234560e+05");
        assertThat(expand("{{ printf \"%g\" 0.5 }}")).isEqualTo("0.5");
        assertThat(expand("{{ printf \"%99999999999d\" 1 }}")).isEqualTo("%!(BADWIDTH)1");
        assertThat(expand("{{ printf \"%.9999999f\" 1.5 }}")).isEqualTo("%!(BADPREC)1.500000");
    }

    @Test
    void stringFunctions() {
        assertThat(expand("{{ title \"hello wide world\" }}")).isEqualTo("Hello Wide World");
        assertThat(expand("{{ toLower \"ABC\" }}{{ toUpper \"def\" }}")).isEqualTo("abcDEF");
        assertThat(expand("{{ reReplaceAll \"(.*):(\\\\d+)\" \"$1 port $2\" $labels.instance }}"))
                .isEqualTo("host-1.example.com port 9100");
        assertThat(expand("{{ if match \"^host-\" $labels.instance }}m{{ end }}")).isEqualTo("m");
        assertThat(expand("{{ $labels.instance | stripPort }}")).isEqualTo("host-1.example.com");
        assertThat(expand("{{ $labels.instance | stripDomain }}")).isEqualTo("host-1:9100");
        assertThat(expand("{{ safeHtml \"<b>\" }}")).isEqualTo("<b>");
        assertThat(expand("{{ len \"abc\" }}")).isEqualTo("3");
    }

    @Test
    void queryResultsWithFirstValueLabelAndSortByLabel() {
        QueryFunction query = q -> List.of(
                new QuerySample(Labels.of("__name__", "up", "instance", "b"), 0),
                new QuerySample(Labels.of("__name__", "up", "instance", "a"), 1));
        String text = "{{ with query \"up\" }}{{ . | first | value }} {{ . | first | label \"instance\" }}"
                + "{{ end }}|{{ range query \"up\" | sortByLabel \"instance\" }}{{ .Labels.instance }}={{ .Value }} {{ end }}";
        Expander.Result r = Expander.expand("t", text, DATA, query);
        assertThat(r.error()).isNull();
        assertThat(r.text()).isEqualTo("0 b|a=1 b=0 ");
    }

    @Test
    void firstOfAnEmptyResultIsAnError() {
        Expander.Result r = Expander.expand("t", "{{ query \"nothing\" | first | value }}", DATA, q -> List.of());
        assertThat(r.error()).contains("first() called on vector with no elements");
    }

    @Test
    void queryFailureIsATemplateError() {
        Expander.Result r = Expander.expand("t", "{{ query \"up\" }}", DATA, q -> {
            throw new IllegalArgumentException("storage down");
        });
        assertThat(r.error()).contains("error calling query: storage down");
    }

    @Test
    void argsBuildsAMapForSubTemplates() {
        assertThat(expand("{{ with args 1 \"x\" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}")).isEqualTo("1-x");
    }

    @Test
    void parseErrorsNameTheLine() {
        assertThatThrownBy(() -> Template.parse("t", "{{ if true }}x")).isInstanceOf(TemplateException.class)
                .hasMessageContaining("template: t:1:").hasMessageContaining("unexpected EOF");
        assertThatThrownBy(() -> Template.parse("t", "a\n{{ nosuch 1 }}")).hasMessage("template: t:2: function \"nosuch\" not defined");
        assertThatThrownBy(() -> Template.parse("t", "{{ $undefined }}")).hasMessageContaining("undefined variable \"$undefined\"");
        assertThatThrownBy(() -> Template.parse("t", "{{ .x ")).hasMessageContaining("unclosed action");
        assertThatThrownBy(() -> Template.parse("t", "{{ end }}")).hasMessageContaining("unexpected {{end}}");
        assertThatThrownBy(() -> Template.parse("t", "{{ \"unterminated }}")).hasMessageContaining("unterminated quoted string");
    }

    @Test
    void fieldOnAStringIsAnExecutionError() {
        Expander.Result r = Expander.expand("t", "{{ $labels.job.x }}", DATA, QueryFunction.NONE);
        assertThat(r.error()).contains("can't evaluate field x in type string");
    }

    @Test
    void variablesCanBeDeclaredAndReassigned() throws TemplateException {
        assertThat(run("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", Map.of())).isEqualTo("2");
    }
}
