package io.promethium.config.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check config} beyond parsing: the files a config names, as {@code promtool check config} checks them. */
class CheckConfigTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(String yaml, String... flags) throws Exception {
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, yaml);
        String[] args = new String[flags.length + 1];
        System.arraycopy(flags, 0, args, 0, flags.length);
        args[flags.length] = file.toString();
        return CheckConfig.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static final String TLS_JOB = """
            scrape_configs:
              - job_name: j
                tls_config:
                  cert_file: client.pem
                  key_file: client.key
            """;

    @Test
    void aMissingTlsClientFileFailsInPromtoolsWords() throws Exception {
        assertThat(check(TLS_JOB)).isEqualTo(1);
        Path cert = dir.resolve("client.pem");
        assertThat(errors()).isEqualTo("  FAILED: error checking client cert file \"" + cert + "\": stat " + cert + ": no such file or directory\n");
    }

    @Test
    void presentTlsFilesPass() throws Exception {
        Files.writeString(dir.resolve("client.pem"), "x");
        Files.writeString(dir.resolve("client.key"), "x");
        assertThat(check(TLS_JOB)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("SUCCESS: ").contains("is valid prometheus config file syntax");
    }

    @Test
    void syntaxOnlySkipsTheFileChecks() throws Exception {
        assertThat(check(TLS_JOB, "--syntax-only")).isZero();
        assertThat(errors()).isEmpty();
    }

    @Test
    void aMissingCredentialsOrBearerTokenFileFailsInPromtoolsWords() throws Exception {
        assertThat(check("scrape_configs:\n  - job_name: b\n    bearer_token_file: token\n")).isEqualTo(1);
        Path token = dir.resolve("token");
        assertThat(errors()).isEqualTo("  FAILED: error checking authorization credentials or bearer token file \"" + token
                + "\": stat " + token + ": no such file or directory\n");
    }

    @Test
    void aCredentialsFileOfAScrapeConfigFileIsLookedForBesideThatFile() throws Exception {
        Files.createDirectories(dir.resolve("scrape.d"));
        Files.writeString(dir.resolve("scrape.d/b.yml"), "scrape_configs:\n  - job_name: b\n    bearer_token_file: token\n");
        Files.writeString(dir.resolve("token"), "beside the main file: not the one promtool looks at\n");
        assertThat(check("scrape_config_files: [scrape.d/*.yml]\n")).isEqualTo(1);
        Path token = dir.resolve("scrape.d/token");
        assertThat(errors()).isEqualTo("  FAILED: error checking authorization credentials or bearer token file \"" + token
                + "\": stat " + token + ": no such file or directory\n");
        Files.writeString(token, "secret\n");
        assertThat(check("scrape_config_files: [scrape.d/*.yml]\n")).isZero();
    }

    @Test
    void passwordUsernameCaOauthAndAlertmanagerFilesAreNotCheckedAsPromtoolDoesNot() throws Exception {
        // The clients read them at their first request; promtool 2.42 and 3 accept the config.
        assertThat(check("""
                scrape_configs:
                  - job_name: a
                    basic_auth:
                      username_file: secret/user
                      password_file: secret/pw
                    tls_config:
                      ca_file: ca.pem
                  - job_name: b
                    oauth2:
                      client_id: c
                      client_secret_file: secret/oauth
                      token_url: http://auth/token
                alerting:
                  alertmanagers:
                    - bearer_token_file: am-token
                """)).as(errors()).isZero();
    }

    @Test
    void aRuleFileNamedWithoutAWildcardMustExist() throws Exception {
        assertThat(check("rule_files: [rules/absent.yml]\n")).isEqualTo(1);
        assertThat(errors()).contains("prometheus.yml:1:1: rule_files: \"rules/absent.yml\" does not point to an existing file");
    }

    /** Prometheus 3's config/testdata/rules_abs_path_windows.good.yml: valid to the loader, but promtool finds no file. */
    @Test
    void aRuleFilePatternWithoutAStarMatchingNothingFailsAsPromtoolDoes() throws Exception {
        Files.writeString(dir.resolve("first.rules"), "groups: []\n");
        String windows = "rule_files:\n    - 'first.rules'\n    - 'rules\\second.rules'\n    - 'c:\\absolute\\third.rules'\n";
        assertThat(check(windows)).isEqualTo(1);
        assertThat(errors()).contains("rule_files: \"rules\\\\second.rules\" does not point to an existing file");
        for (String pattern : new String[] {"rules/a?.yml", "rules/[ab].yml"}) {
            err.reset();
            assertThat(check("rule_files: ['" + pattern + "']\n")).isEqualTo(1);
            assertThat(errors()).contains("rule_files: \"" + pattern + "\" does not point to an existing file");
        }
        assertThat(check(windows, "--syntax-only")).isZero();
    }

    @Test
    void aRuleFilePatternMatchingNothingIsFine() throws Exception {
        assertThat(check("rule_files: ['rules/*.yml']\n")).isZero();
    }

    @Test
    void fileSdTargetsWithASchemeFail() throws Exception {
        Files.writeString(dir.resolve("targets.json"), "[{\"targets\": [\"http://node:9100\"], \"labels\": {\"env\": \"prod\"}}]");
        assertThat(check("""
                scrape_configs:
                  - job_name: j
                    file_sd_configs:
                      - files: ['*.json']
                """)).isEqualTo(1);
        assertThat(errors()).contains("targets.json:1:15: checking SD file \"*.json\": \"http://node:9100\" is not a valid hostname");
    }

    @Test
    void fileSdFilesMustHoldTargetGroupsWithAKnownExtension() throws Exception {
        Files.writeString(dir.resolve("a.yml"), "- targets: ['node:9100']\n  lables: {a: b}\n");
        assertThat(check("scrape_configs:\n  - job_name: j\n    file_sd_configs:\n      - files: [a.yml]\n")).isEqualTo(1);
        assertThat(errors()).contains("a.yml:2:3: checking SD file \"a.yml\": field lables not found in target group");

        err.reset();
        Files.writeString(dir.resolve("c.yml"), "- targets: ['node:9100']\n-\n");
        assertThat(check("scrape_configs:\n  - job_name: j\n    file_sd_configs:\n      - files: [c.yml]\n")).isEqualTo(1);
        assertThat(errors()).contains("nil target group item found (index 1)");
    }

    @Test
    void goodFileSdFilesPassAndAMissingOneIsAWarning() throws Exception {
        Files.writeString(dir.resolve("good.yml"), "- targets: ['node:9100', 'node2']\n  labels: {env: prod}\n");
        assertThat(check("""
                scrape_configs:
                  - job_name: j
                    file_sd_configs:
                      - files: [good.yml, 'later/*.json']
                """)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("WARNING: file \"later/*.json\" for file_sd in scrape job \"j\" does not exist");
    }

    @Test
    void aTargetRewrittenByRelabelingIsNotJudgedRaw() throws Exception {
        Files.writeString(dir.resolve("urls.yml"), "- targets: ['http://example.org/probe']\n");
        assertThat(check("""
                scrape_configs:
                  - job_name: blackbox
                    file_sd_configs:
                      - files: [urls.yml]
                    relabel_configs:
                      - source_labels: [__address__]
                        target_label: __param_target
                      - target_label: __address__
                        replacement: exporter:9115
                """)).isZero();
    }

    @Test
    void alertmanagerFileSdTargetsAreCheckedToo() throws Exception {
        Files.writeString(dir.resolve("am.yml"), "- targets: ['http://am:9093']\n");
        assertThat(check("alerting:\n  alertmanagers:\n    - file_sd_configs:\n        - files: [am.yml]\n")).isEqualTo(1);
        assertThat(errors()).contains("\"http://am:9093\" is not a valid hostname");
    }

    @Test
    void unknownFlagsAreUsageErrors() throws Exception {
        assertThat(check("{}", "--frobnicate")).isEqualTo(1);
        assertThat(errors()).contains("unknown long flag '--frobnicate'");
    }

    @Test
    void pluginsDirIsTakenAsTheLaunchersFlag() throws Exception {
        // The launcher adds that folder's jars to the class path; the tool only accepts the flag.
        assertThat(check("{}", "--plugins.dir=" + dir.resolve("candidates"))).as(errors()).isZero();
        assertThat(check("{}", "--plugins.dir", dir.toString())).as(errors()).isZero();
    }

    @Test
    void agentRefusesWhatAnAgentCannotDoAndNeedsNoRemoteWrite() throws Exception {
        String job = "scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ['a:1']}]\n";
        assertThat(check(job, "--agent")).isZero();
        assertThat(check(job + "rule_files: ['*.rules']\n")).isZero();
        assertThat(check(job + "rule_files: ['*.rules']\n", "--agent")).isEqualTo(1);
        assertThat(errors()).contains("field rule_files is not allowed in agent mode");
    }

    @Test
    void tooLongScrapeIntervalIsALintOfAllAndFatalOnlyUnderLintFatal() throws Exception {
        String slow = "scrape_configs:\n  - job_name: slow\n    scrape_interval: 10m\n    scrape_timeout: 10s\n";
        assertThat(check(slow)).isZero();
        assertThat(errors()).isEmpty();
        assertThat(check(slow, "--lint=all")).isZero();
        assertThat(errors()).isEqualTo("  FAILED: too long scrape interval found, data point will be marked as stale - job: slow, interval: 10m\n");
        assertThat(check(slow, "--lint=too-long-scrape-interval", "--lint-fatal")).isEqualTo(3);
        assertThat(check(slow, "--lint=all", "--lint-fatal", "--query.lookback-delta=15m")).isZero();
        assertThat(check(slow, "--lint=all,none", "--lint-fatal")).isZero();
    }

    @Test
    void theLookbackDeltaFlagTakesGoDurationsAsPromtoolsKingpinFlagDoes() throws Exception {
        String slow = "scrape_configs:\n  - job_name: slow\n    scrape_interval: 1h\n    scrape_timeout: 10s\n";
        assertThat(check(slow, "--lint=all", "--lint-fatal", "--query.lookback-delta=1h30m")).isZero();
        assertThat(check(slow, "--lint=all", "--lint-fatal", "--query.lookback-delta=1.5h")).isZero();
        assertThat(check(slow, "--lint=all", "--query.lookback-delta=1d")).isEqualTo(1);
        assertThat(errors()).isEqualTo("promethium check config: error: time: unknown unit \"d\" in duration \"1d\", try --help\n");
    }

    // promtool's own cases (Prometheus v2.42 cmd/promtool/testdata, TestCheckTargetConfig and
    // TestAuthorizationConfig), which Prometheus 3 still passes.

    @Test
    void aStaticTargetUrlFixedByRelabellingIsValid() throws Exception {
        // url_in_scrape_targetgroup_with_relabel_config.good.yml
        assertThat(check("""
                scrape_configs:
                  - job_name: prometheus
                    relabel_configs:
                      - source_labels: [__address__]
                        target_label: __param_target
                      - target_label: __address__
                        replacement: good
                    static_configs:
                      - targets:
                          - http://good
                """)).as(errors()).isZero();
    }

    @Test
    void aStaticTargetUrlLeftByRelabellingFails() throws Exception {
        // url_in_scrape_targetgroup_with_relabel_config.bad.yml
        assertThat(check("""
                scrape_configs:
                  - job_name: prometheus
                    relabel_configs:
                      - source_labels: [__address__]
                        target_label: __param_target
                    static_configs:
                      - targets:
                          - http://bad
                """, "--syntax-only")).isEqualTo(1);
        assertThat(errors()).contains("instance 0 in group 0: \"http://bad\" is not a valid hostname");
    }

    @Test
    void anAlertmanagerTargetUrlFixedByRelabellingIsValid() throws Exception {
        // url_in_alert_targetgroup_with_relabel_config.good.yml
        assertThat(check("""
                alerting:
                  alertmanagers:
                    - relabel_configs:
                        - source_labels: [__address__]
                          target_label: __param_target
                        - target_label: __address__
                          replacement: good
                      static_configs:
                        - targets:
                            - http://bad
                """)).as(errors()).isZero();
    }

    @Test
    void anAlertmanagerTargetUrlLeftByRelabellingFails() throws Exception {
        // url_in_alert_targetgroup_with_relabel_config.bad.yml
        assertThat(check("""
                alerting:
                  alertmanagers:
                    - relabel_configs:
                        - source_labels: [__address__]
                          target_label: __param_target
                      static_configs:
                        - targets:
                            - http://bad
                """)).isEqualTo(1);
        assertThat(errors()).contains("\"http://bad\" is not a valid hostname");
    }

    @Test
    void aStaticTargetUrlWithoutRelabellingFailsAtLoading() throws Exception {
        assertThat(check("scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: ['http://bad']\n")).isEqualTo(1);
        assertThat(errors()).contains("\"http://bad\" is not a valid hostname");
    }

    @Test
    void aCredentialsFileThatExistsPassesEvenAsAFolder() throws Exception {
        // authorization_credentials_file.good.yml: credentials_file: "." (promtool stats the path)
        assertThat(check("""
                scrape_configs:
                  - job_name: test
                    authorization:
                      credentials_file: "."
                """)).as(errors()).isZero();
    }
}
