package io.promethium.rules.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.rules.internal.file.RuleFileException;
import io.promethium.rules.internal.file.RuleFileParser;
import io.promethium.rules.internal.template.Expander;
import io.promethium.templates.QueryFunction;
import io.promethium.rules.internal.template.TemplateData;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bounded fuzzing: mutated templates and rule files fail only with their own errors, never crash. */
class TemplateFuzzTest {

    private static final List<String> SEEDS = List.of(
            "{{ $labels.instance }} is {{ $value | humanize }}",
            "{{ if gt $value 0.5 }}a{{ else if lt $value 0.1 }}b{{ else }}c{{ end }}",
            "{{ range $k, $v := $labels }}{{ $k }}={{ $v | toUpper }},{{ end }}",
            "{{ with query \"up\" }}{{ . | first | value | printf \"%.2f\" }}{{ end }}",
            "{{ reReplaceAll \"(a+)\" \"$1-\" (title \"x y\") }}{{/* c */}}{{- \" t \" -}}");
    private static final String ALPHABET = "{}()|$.\"`'\\-+:= ,abcxyz019%\n";

    @Test
    void mutatedTemplatesOnlyEverFailWithATemplateError() {
        Random random = new Random(42);
        TemplateData data = new TemplateData(Map.of("instance", "i", "job", "j"), Map.of(), "", 0.7);
        QueryFunction query = q -> List.of();
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && !text.isEmpty(); e++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
            Expander.Result r = Expander.expand("fuzz", text.toString(), data, query);
            assertThat(r.text()).as("template %s", text).isNotNull();
            if (r.failed()) {
                assertThat(r.text()).startsWith("<error expanding template: ");
            }
        }
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String parens = "{{ " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + " }}";
        assertThat(Expander.expand("deep", parens, new TemplateData(Map.of(), Map.of(), "", 0), QueryFunction.NONE).error())
                .contains("nesting deeper than 100");
        String ifs = "{{ if true }}".repeat(5_000);
        assertThat(Expander.expand("deep", ifs, new TemplateData(Map.of(), Map.of(), "", 0), QueryFunction.NONE).error())
                .contains("nesting deeper than 100");
    }

    @Test
    void hugeRangesAndOutputsAreErrors() {
        TemplateData data = new TemplateData(Map.of(), Map.of(), "", 0);
        assertThat(Expander.expand("big", "{{ range 2000000000 }}x{{ end }}", data, QueryFunction.NONE).error())
                .contains("more than 100000 iterations");
        assertThat(Expander.expand("big", "{{ range 90000 }}0123456789abcdef{{ end }}", data, QueryFunction.NONE).error())
                .contains("output longer than");
    }

    @Test
    void mutatedRuleFilesOnlyEverFailWithARuleFileError() {
        String seed = """
                groups:
                  - name: g
                    interval: 30s
                    rules:
                      - alert: A
                        expr: sum by (job) (rate(x[5m])) > 0
                        for: 1m
                        labels: {severity: page}
                        annotations:
                          summary: "{{ $labels.job }} {{ $value }}"
                      - record: r:x
                        expr: up
                """;
        Random random = new Random(7);
        RuleFileParser parser = new RuleFileParser();
        String alphabet = "{}[]:-\"'# \n\tabz0(|$";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder(seed);
            int edits = 1 + random.nextInt(5);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            try {
                parser.parse("fuzz.yml", text.toString());
            } catch (RuleFileException e) {
                assertThat(e.errors()).isNotEmpty();
            }
        }
    }
}
