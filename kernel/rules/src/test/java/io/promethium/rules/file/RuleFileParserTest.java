package io.promethium.rules.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.rules.RuleType;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleFileException;
import io.promethium.rules.internal.file.RuleFileParser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleFileParserTest {

    private final RuleFileParser parser = new RuleFileParser();

    private List<String> errors(String text) {
        try {
            parser.parse("r.yml", text);
        } catch (RuleFileException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors for:\n" + text);
    }

    @Test
    void readsGroupsWithAllFields() throws RuleFileException {
        List<GroupDef> groups = parser.parse("r.yml", """
                groups:
                  - name: g1
                    interval: 30s
                    limit: 10
                    query_offset: 1m
                    labels:
                      team: a
                    rules:
                      - record: job:up:sum
                        expr: sum by (job) (up)
                        labels:
                          source: rec
                      - alert: Down
                        expr: up == 0
                        for: 5m
                        keep_firing_for: 2m
                        labels:
                          severity: page
                        annotations:
                          summary: "{{ $labels.instance }} is down"
                """);
        assertThat(groups).hasSize(1);
        GroupDef g = groups.get(0);
        assertThat(g.name()).isEqualTo("g1");
        assertThat(g.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.limit()).isEqualTo(10);
        assertThat(g.queryOffset()).isEqualTo(Duration.ofMinutes(1));
        assertThat(g.labels().get("team")).isEqualTo("a");
        assertThat(g.rules()).extracting(r -> r.type()).containsExactly(RuleType.RECORDING, RuleType.ALERTING);
        assertThat(g.rules().get(1).forDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(g.rules().get(1).keepFiringFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(g.rules().get(1).annotations().get("summary")).isEqualTo("{{ $labels.instance }} is down");
    }

    @Test
    void emptyFileHasNoGroups() throws RuleFileException {
        assertThat(parser.parse("r.yml", "")).isEmpty();
        assertThat(parser.parse("r.yml", "groups:\n")).isEmpty();
    }

    @Test
    void invalidPromQLNamesFileLineGroupRuleAndPosition() {
        List<String> errors = errors("""
                groups:
                  - name: g1
                    rules:
                      - alert: Ok
                        expr: up
                      - alert: Broken
                        expr: sum(up
                """);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("r.yml:7:").contains("group \"g1\", rule 2, \"Broken\"")
                .contains("could not parse expression").contains("parse error");
    }

    @Test
    void unknownKeysAreErrorsWithTheirLine() {
        List<String> errors = errors("""
                groups:
                  - name: g1
                    intervall: 1m
                    rules:
                      - alert: A
                        expr: up
                        severity: page
                """);
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("r.yml:3:").contains("field \"intervall\" not found"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("r.yml:7:").contains("field \"severity\" not found in rule"));
    }

    @Test
    void duplicateGroupNamesAreRejected() {
        List<String> errors = errors("""
                groups:
                  - name: same
                    rules: []
                  - name: same
                    rules: []
                """);
        assertThat(errors).singleElement().asString().startsWith("r.yml:4:").contains("\"same\" is repeated");
    }

    @Test
    void ruleKindAndFieldsAreCheckedLikePromtool() {
        List<String> errors = errors("""
                groups:
                  - name: g
                    rules:
                      - expr: up
                      - record: a
                        alert: b
                        expr: up
                      - record: "bad{name}"
                        expr: up
                      - record: ok
                        expr: up
                        for: 1m
                        annotations:
                          a: b
                      - alert: NoExpr
                """);
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("rule 1").contains("one of 'record' or 'alert' must be set"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("rule 2").contains("only one of 'record' and 'alert' must be set"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("rule 3")
                .contains("braces present in the recording rule name; should it be in expr?: bad{name}"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("rule 4").contains("invalid field 'for' in recording rule"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("rule 4").contains("invalid field 'annotations' in recording rule"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("rule 5").contains("field 'expr' must be set in rule"));
    }

    @Test
    void invalidLabelNamesAndDurationsAreRejected() {
        List<String> errors = errors("""
                groups:
                  - name: g
                    interval: soon
                    rules:
                      - alert: A
                        expr: up
                        for: 5 minutes
                        labels:
                          "0bad": x
                          __name__: y
                """);
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("r.yml:3:").contains("not a valid duration string: \"soon\""));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("\"for\": not a valid duration string"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("invalid label name: __name__"));
    }

    @Test
    void templateSyntaxErrorsNameTheAnnotation() {
        List<String> errors = errors("""
                groups:
                  - name: g
                    rules:
                      - alert: A
                        expr: up
                        annotations:
                          summary: "{{ $labels.instance "
                          description: "{{ nosuchfunc 1 }}"
                """);
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("r.yml:7:").contains("annotation \"summary\"")
                .contains("template: __alert_A"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("r.yml:8:").contains("function \"nosuchfunc\" not defined"));
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> parser.parse("r.yml", "groups:\n  - name: [unclosed\n"))
                .isInstanceOf(RuleFileException.class).hasMessageContaining("r.yml:");
    }

    @Test
    void absurdlyNestedExpressionsAreAnErrorNotACrash() {
        String expr = "(".repeat(100_000) + "1" + ")".repeat(100_000);
        List<String> errors = errors("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: \"" + expr + "\"\n");
        assertThat(errors).singleElement().asString().contains("group \"g\", rule 1, \"r\"").contains("could not parse expression");
    }

    @Test
    void aRuleFileThatIsNotAMappingIsRejected() {
        assertThat(errors("- just a list")).singleElement().asString().contains("must be a mapping");
    }

    @Test
    void utf8NamesAreValidByDefaultAndRefusedUnderLegacyValidation() throws Exception {
        String text = """
                groups:
                  - name: g
                    labels:
                      "team.name": a
                    rules:
                      - record: "http.requests:rate5m"
                        expr: 'rate({"http.requests"}[5m])'
                        labels:
                          "0bad": x
                      - alert: A
                        expr: up == 0
                        annotations:
                          "summary.text": down
                """;
        assertThat(parser.parse("r.yml", text)).hasSize(1);
        RuleFileParser legacy = new RuleFileParser(io.promethium.config.model.MetricNameScheme.Validation.LEGACY);
        List<String> errors;
        try {
            legacy.parse("r.yml", text);
            throw new AssertionError("legacy validation accepted UTF-8 names");
        } catch (RuleFileException e) {
            errors = e.errors();
        }
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("invalid label name: team.name"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("invalid recording rule name: http.requests:rate5m"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("invalid label name: 0bad"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("invalid annotation name: summary.text"));
    }
}
