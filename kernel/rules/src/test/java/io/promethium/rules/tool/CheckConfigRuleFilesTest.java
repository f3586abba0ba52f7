package io.promethium.rules.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.config.tool.CheckConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check config} checks the rule files the config names, as promtool does (rules and config on one class path). */
class CheckConfigRuleFilesTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String... args) {
        return CheckConfig.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void ruleFilesAreCheckedAfterTheConfig() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/good.yml"), "groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n");
        Files.writeString(dir.resolve("prometheus.yml"), "rule_files: ['rules/*.yml']\n");
        assertThat(check(dir.resolve("prometheus.yml").toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("SUCCESS: 1 rule files found")
                .contains("Checking " + dir.resolve("rules/good.yml")).contains("SUCCESS: 1 rules found");
    }

    @Test
    void aBadRuleFileFailsTheCheck() throws Exception {
        Files.writeString(dir.resolve("bad.yml"), "groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up\n");
        Files.writeString(dir.resolve("prometheus.yml"), "rule_files: [bad.yml]\n");
        assertThat(check(dir.resolve("prometheus.yml").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("FAILED").contains("bad.yml:5:");
    }

    @Test
    void syntaxOnlyDoesNotReadTheRuleFiles() throws Exception {
        Files.writeString(dir.resolve("bad.yml"), "groups: [oops\n");
        Files.writeString(dir.resolve("prometheus.yml"), "rule_files: [bad.yml, absent.yml]\n");
        assertThat(check("--syntax-only", dir.resolve("prometheus.yml").toString())).isZero();
    }

    @Test
    void duplicateRulesInTheConfigsRuleFilesAreALintFatalOnlyUnderLintFatal() throws Exception {
        Files.writeString(dir.resolve("dup.yml"), "groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(up)\n"
                + "      - record: a:b\n        expr: sum(up) by (job)\n");
        Files.writeString(dir.resolve("prometheus.yml"), "rule_files: [dup.yml]\n");
        String config = dir.resolve("prometheus.yml").toString();
        assertThat(check(config)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("lint error 1 duplicate rule(s) found.\nMetric: a:b\n");
        assertThat(check("--lint-fatal", config)).isEqualTo(3);
        err.reset();
        assertThat(check("--lint=none", "--lint-fatal", config)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("SUCCESS: 2 rules found");
    }
}
