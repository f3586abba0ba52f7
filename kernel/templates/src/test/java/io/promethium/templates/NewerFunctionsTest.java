package io.promethium.templates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Functions of the newest releases: Prometheus's {@code toTime}, {@code toDuration} and
 * {@code urlQueryEscape} (template/template.go), Alertmanager's {@code base64encode}
 * (template/template.go, the URL-safe alphabet).
 */
class NewerFunctionsTest {

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

    @Test
    void urlQueryEscapeAndBase64encodeAreTheirDialects() {
        assertThat(run("{{ urlQueryEscape \"a b&c\" }}", Dialect.PROMETHEUS)).isEqualTo("a+b%26c");
        assertThat(run("{{ base64encode \"??>\" }} {{ base64encode \"a\" }}", Dialect.ALERTMANAGER)).isEqualTo("Pz8- YQ==");
        assertThat(run("{{ base64encode \"a\" }}", Dialect.PROMETHEUS)).isEqualTo("template: t:1: function \"base64encode\" not defined");
    }
}
