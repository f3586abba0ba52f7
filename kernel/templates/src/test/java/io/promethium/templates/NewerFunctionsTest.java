package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.templates.notification.KV;
import io.promethium.templates.notification.NotificationData;
import io.promethium.templates.notification.Alerts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Functions of the newest releases: Prometheus's {@code toTime}, {@code toDuration},
 * {@code urlQueryEscape} and {@code now} (template/template.go), Alertmanager's
 * {@code base64encode}, {@code base64decode}, {@code toDate}, {@code mustToDate}, {@code now}
 * and {@code routeLabels} (template/template.go of 0.34). The Alertmanager cases are rows of
 * Alertmanager's template_test.go (TestTemplateExpansion, TestTemplateFuncs,
 * TestRouteLabelsRenderedNotReExecuted, TestRouteLabelsUnrenderedExecuted; Copyright The
 * Prometheus Authors, Apache License 2.0, as the module's LICENSE-alertmanager.txt).
 */
class NewerFunctionsTest {

    private static final Instant T = Instant.parse("2024-03-15T10:20:30.123456789Z");

    private static String am(String text, Object data) {
        try {
            return Template.parse("", text, Dialect.ALERTMANAGER, null)
                    .execute(data, ExecutionContext.notification("", Clock.fixed(T, ZoneOffset.UTC)));
        } catch (TemplateException e) {
            return "ERROR " + e.getMessage();
        }
    }

    private static NotificationData data(Map<String, String> groupLabels, Map<String, String> routeLabels, boolean rendered) {
        return new NotificationData("r", "firing", new Alerts(List.of()), new KV(groupLabels), new KV(Map.of()), new KV(Map.of()),
                new KV(routeLabels), "", rendered);
    }

    @Test
    void toDateParsesWithAGoLayoutInUtcAndIsTheZeroTimeWhenItCannot() {
        assertThat(am("{{ toDate \"2006-01-02\" \"2024-03-15\" | date \"02 Jan 2006\" }}", null)).isEqualTo("15 Mar 2024");
        assertThat(am("{{ toDate \"2006-01-02\" \"not-a-date\" | date \"2006\" }}", null)).isEqualTo("0001");
        assertThat(am("{{ toDate \"2006-01-02\" \"not-a-date\" }}", null)).isEqualTo("0001-01-01 00:00:00 +0000 UTC");
        assertThat(am("{{ toDate \"2006-01-02T15:04:05Z07:00\" \"2024-03-15T10:00:00+02:00\" }}", null))
                .isEqualTo("2024-03-15 10:00:00 +0200 +0200");
        assertThat(am("{{ (toDate \"Jan _2 15:04:05.000 MST 2006\" \"Mar  5 10:00:00.250 CET 2024\").Unix }}", null))
                .isEqualTo("1709632800");
        assertThat(am("{{ toDate \"2006\" }}", null)).isEqualTo("ERROR template: :1:3: executing \"\" at <toDate>: wrong number of args for toDate: want 2 got 1");
    }

    @Test
    void mustToDateFailsWithGosParseError() {
        assertThat(am("{{ mustToDate \"2006-01-02\" \"2024-03-15\" | date \"02 Jan 2006\" }}", null)).isEqualTo("15 Mar 2024");
        assertThat(am("{{ mustToDate \"2006-01-02\" \"not-a-date\" }}", null)).isEqualTo("ERROR template: :1:3: executing \"\" at "
                + "<mustToDate \"2006-01-02\" \"not-a-date\">: error calling mustToDate: parsing time \"not-a-date\" as "
                + "\"2006-01-02\": cannot parse \"not-a-date\" as \"2006\"");
    }

    @Test
    void base64decodeTakesTheUrlSafePaddedAlphabetAndFailsAtGosOffset() {
        assertThat(am("{{ \"dGVzdA==\" | base64decode }}", null)).isEqualTo("test");
        assertThat(am("{{ \"Zmx1c2g-Pg==\" | base64decode }}", null)).isEqualTo("flush>>");
        assertThat(am("{{ \"dGVz\\ndA==\" | base64decode }}", null)).isEqualTo("test");
        assertThat(am("{{ \"not-valid-base64!\" | base64decode }}", null)).isEqualTo("ERROR template: :1:25: executing \"\" at "
                + "<base64decode>: error calling base64decode: illegal base64 data at input byte 16");
        assertThat(am("{{ \"dGVzdA\" | base64decode }}", null)).endsWith("illegal base64 data at input byte 4");
        assertThat(am("{{ \"dGVzdA=\" | base64decode }}", null)).endsWith("illegal base64 data at input byte 7");
        assertThat(am("{{ \"Pz8/\" | base64decode }}", null)).endsWith("illegal base64 data at input byte 3");
        assertThat(am("{{ \"dGVzdA==x\" | base64decode }}", null)).endsWith("illegal base64 data at input byte 8");
    }

    @Test
    void alertmanagersNowIsTheClockWhenCalledAndPrometheusNowTheEvaluationTimeInSeconds() throws TemplateException {
        assertThat(am("{{ now | date \"2006-01-02T15:04:05-0700\" }}", null)).isEqualTo("2024-03-15T10:20:30+0000");
        // Go prints time.Now's monotonic reading after it; tz and .UTC strip it, as Go's setLoc.
        assertThat(am("{{ now }}", null)).matches("2024-03-15 10:20:30\\.123456789 \\+0000 UTC m=\\+\\d+\\.\\d{9}");
        assertThat(am("{{ now.UTC }} {{ now | tz \"UTC\" }}", null))
                .isEqualTo("2024-03-15 10:20:30.123456789 +0000 UTC 2024-03-15 10:20:30.123456789 +0000 UTC");
        assertThat(new GoTime(T, ZoneOffset.UTC, "UTC", 1_000_000_001L).toString()).endsWith(" m=+1.000000001");
        assertThat(new GoTime(T, ZoneOffset.UTC, "UTC", -5L).toString()).endsWith(" m=-0.000000005");
        assertThat(new GoTime(T, ZoneOffset.UTC, "UTC", 12_345_678_901_234_567_89L / 10).toString()).endsWith(" m=+123456789.012345678");
        assertThat(am("{{ (now).Unix }} {{ now.Unix }}", null)).isEqualTo("1710498030 1710498030");
        String prom = Template.parse("t", "{{ now }} {{ now | humanizeTimestamp }}", Dialect.PROMETHEUS, null)
                .execute(null, ExecutionContext.rule(QueryFunction.NONE, "", T));
        // Go multiplies the float by 1e9 too: .123 s becomes .122999... and is truncated to .122.
        assertThat(prom).isEqualTo("1.710498030123e+09 2024-03-15 10:20:30.122 +0000 UTC");
        assertThat(run("{{ now 1 }}", Dialect.PROMETHEUS)).isEqualTo("template: t:1:3: executing \"t\" at <now>: wrong number of args for now: want 0 got 1");
    }

    @Test
    void routeLabelsRendersEachLabelAsATemplateOverTheSameData() {
        assertThat(am("Simple: {{ routeLabels \"rl1\" }} - Templated: {{ routeLabels \"rl2\" }} - Recursive: {{ routeLabels \"rl3\" }}",
                data(Map.of("key1", "key1", "key2", "key2"), Map.of("rl1", "rl1", "rl2", "{{ .GroupLabels.key1 }}",
                        "rl3", "{{ routeLabels \"rl2\" }} recursive"), false)))
                .isEqualTo("Simple: rl1 - Templated: key1 - Recursive: key1 recursive");
        assertThat(am("[{{ routeLabels \"nope\" }}]", data(Map.of(), Map.of("rl1", "rl1"), false))).isEqualTo("[]");
        assertThat(am("{{ routeLabels \"top\" }}", data(Map.of("x", "v"), Map.of("top", "{{ routeLabels \"a\" }}-{{ routeLabels \"b\" }}",
                "a", "{{ routeLabels \"leaf\" }}", "b", "{{ routeLabels \"leaf\" }}", "leaf", "{{ .GroupLabels.x }}"), false)))
                .isEqualTo("v-v");
        assertThat(am("[{{ routeLabels \"desc\" }}]", data(Map.of("x", "v"), Map.of("desc", "{{ .GroupLabels.x }}"), false)))
                .isEqualTo("[v]");
        assertThat(am("[{{ routeLabels \"x\" }}]", null)).isEqualTo("[]");
    }

    /** Alertmanager's ExecuteHTMLString resolves route labels with execHTML: the value is escaped there, then again outside. */
    @Test
    void inHtmlAnUnrenderedRouteLabelIsRenderedAsHtmlAndEscapedAgain() throws TemplateException {
        String out = Template.parse("", "<p>{{ routeLabels \"x\" }}</p>", Dialect.ALERTMANAGER, null)
                .executeHtml(data(Map.of("g", "<b>"), Map.of("x", "{{ .GroupLabels.g }}"), false),
                        ExecutionContext.notification("", Clock.fixed(T, ZoneOffset.UTC)));
        assertThat(out).isEqualTo("<p>&amp;lt;b&amp;gt;</p>");
    }

    @Test
    void renderedRouteLabelsAreGivenAsTheyAre() {
        assertThat(am("[{{ routeLabels \"desc\" }}] {{ .RouteLabels.desc }}",
                data(Map.of(), Map.of("desc", "disk usage is {{ $value | humanize }}"), true)))
                .isEqualTo("[disk usage is {{ $value | humanize }}] disk usage is {{ $value | humanize }}");
    }

    @Test
    void aRouteLabelCycleIsAnErrorNotAStackOverflow() {
        assertThat(am("{{ routeLabels \"rl1\" }}", data(Map.of(), Map.of("rl1", "{{ routeLabels \"rl2\" }}",
                "rl2", "{{ routeLabels \"rl1\" }}"), false))).startsWith("ERROR ").contains("route label cycle detected: rl1 -> rl2 -> rl1");
        assertThat(am("{{ routeLabels \"rl1\" }}", data(Map.of(), Map.of("rl1", "{{ routeLabels \"rl1\" }}"), false)))
                .contains("route label cycle detected: rl1 -> rl1");
    }

    private static String run(String text, Dialect dialect) {
        try {
            return Template.parse("t", text, dialect, null).execute(null, QueryFunction.NONE, "");
        } catch (TemplateException e) {
            return e.getMessage();
        }
    }

    @Test
    void toTimeIsAUtcTimeOfWholeMilliseconds() {
        assertThat(run("{{ 1700000000.1234567 | toTime }}", Dialect.PROMETHEUS)).isEqualTo("2023-11-14 22:13:20.123 +0000 UTC");
        assertThat(run("{{ (toTime \"0\").Unix }}", Dialect.PROMETHEUS)).isEqualTo("0");
        assertThat(run("{{ toTime \"NaN\" }}", Dialect.PROMETHEUS))
                .isEqualTo("template: t:1:3: executing \"t\" at <toTime \"NaN\">: error calling toTime: value is NaN or Inf");
        assertThat(run("{{ toTime 1e300 }}", Dialect.PROMETHEUS)).isEqualTo("template: t:1:3: executing \"t\" at <toTime 1e300>: error calling "
                + "toTime: 1e+300 cannot be represented as a nanoseconds timestamp since it overflows int64");
        assertThat(run("{{ toTime \"x\" }}", Dialect.PROMETHEUS)).endsWith("error calling toTime: strconv.ParseFloat: parsing \"x\": invalid syntax");
    }

    @Test
    void toDurationIsAGoDuration() {
        assertThat(run("{{ 90 | toDuration }} {{ toDuration 1.5 }} {{ toDuration \"-0.001\" }}", Dialect.PROMETHEUS)).isEqualTo("1m30s 1.5s -1ms");
    }

    /** Expected links as promtool 2.42's {@code test rules} rendered these annotations (strutil's relative links). */
    @Test
    void graphLinkAndTableLinkAreRelativeAndQueryEscaped() {
        assertThat(run("{{ graphLink \"rate(x[5m]) > 0 * y~z\" }}", Dialect.PROMETHEUS))
                .isEqualTo("/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+0+%2A+y~z&g0.tab=0");
        assertThat(run("{{ tableLink \"sum by (a) (b{c=\\\"d e\\\"})\" }}", Dialect.PROMETHEUS))
                .isEqualTo("/graph?g0.expr=sum+by+%28a%29+%28b%7Bc%3D%22d+e%22%7D%29&g0.tab=1");
    }

    @Test
    void urlQueryEscapeAndBase64encodeAreTheirDialects() {
        assertThat(run("{{ urlQueryEscape \"a b&c\" }}", Dialect.PROMETHEUS)).isEqualTo("a+b%26c");
        assertThat(run("{{ base64encode \"??>\" }} {{ base64encode \"a\" }}", Dialect.ALERTMANAGER)).isEqualTo("Pz8- YQ==");
        assertThat(run("{{ base64encode \"a\" }}", Dialect.PROMETHEUS)).isEqualTo("template: t:1: function \"base64encode\" not defined");
    }
}
