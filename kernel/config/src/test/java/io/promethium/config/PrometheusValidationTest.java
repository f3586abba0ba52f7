package io.promethium.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.PrometheusConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The validations Prometheus does on {@code prometheus.yml}, each with Prometheus's error meaning
 * (the message text of its {@code config/testdata/*.bad.yml} cases) and a file:line:col location.
 * The files are written here for this test, modelled on those cases.
 */
class PrometheusValidationTest {

    private static final Path FILE = Path.of("prometheus.yml");

    private static PrometheusConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(PluginKeys.NONE).parse(FILE, yaml);
    }

    private static void assertRejected(String yaml, String location, String meaning) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("prometheus.yml:" + location + ": ").hasMessageContaining(meaning);
    }

    private static String relabel(String rule) {
        return "scrape_configs:\n  - job_name: j\n    relabel_configs:\n      - " + rule.replace("\n", "\n        ") + "\n";
    }

    // --- relabel configs per action ---

    @Test
    void keepequalAndDropequalTakeNoRegexReplacementOrModulus() {
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: keepequal\nregex: foo"),
                "4:9", "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: dropequal\nmodulus: 8"),
                "4:9", "dropequal action requires only 'source_labels' and `target_label`, and no other fields");
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: dropequal\nseparator: ','"),
                "4:9", "dropequal action requires only 'source_labels' and `target_label`");
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: keepequal\nreplacement: x"),
                "4:9", "'replacement' can not be set for keepequal action");
    }

    @Test
    void keepequalAndDropequalNeedATargetLabel() {
        assertRejected(relabel("source_labels: [a]\naction: keepequal"), "4:9",
                "relabel configuration for keepequal action requires 'target_label' value");
        assertRejected(relabel("source_labels: [a]\naction: dropequal"), "4:9",
                "relabel configuration for dropequal action requires 'target_label' value");
    }

    @Test
    void writingADefaultExplicitlyIsAllowed() throws Exception {
        parse(relabel("source_labels: [a]\ntarget_label: b\naction: keepequal\nregex: (.*)\nseparator: ;\nreplacement: $1"));
    }

    @Test
    void lowercaseAndUppercaseTakeNoReplacementAndNeedATarget() {
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: lowercase\nreplacement: x"),
                "4:9", "'replacement' can not be set for lowercase action");
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: uppercase\nreplacement: x"),
                "4:9", "'replacement' can not be set for uppercase action");
        assertRejected(relabel("source_labels: [a]\naction: lowercase"), "4:9",
                "relabel configuration for lowercase action requires 'target_label' value");
        assertRejected(relabel("source_labels: [a]\naction: uppercase"), "4:9",
                "relabel configuration for uppercase action requires 'target_label' value");
    }

    @Test
    void labelmapReplacementMustBeAValidNameOrTemplate() throws Exception {
        assertRejected(relabel("action: labelmap\nregex: __meta_(.+)\nreplacement: ''"), "4:9",
                "\"\" is invalid 'replacement' for labelmap action");
        parse(relabel("action: labelmap\nregex: __meta_(.+)\nreplacement: tag_${1}"));
    }

    @Test
    void replaceNeedsATargetLabelThatIsAValidNameOrTemplate() throws Exception {
        assertRejected(relabel("source_labels: [a]\nreplacement: x"), "4:9",
                "relabel configuration for replace action requires 'target_label' value");
        assertRejected(relabel("source_labels: [a]\ntarget_label: ''"), "4:9",
                "relabel configuration for replace action requires 'target_label' value");
        parse(relabel("source_labels: [a]\ntarget_label: ${1}_copy\nregex: (.+)"));
        parse(relabel("source_labels: [a]\ntarget_label: with-dash"));
    }

    @Test
    void hashmodNeedsAModulusAndATarget() {
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: hashmod"), "4:9",
                "relabel configuration for hashmod requires non-zero modulus");
        assertRejected(relabel("source_labels: [a]\nmodulus: 8\naction: hashmod"), "4:9",
                "relabel configuration for hashmod action requires 'target_label' value");
    }

    @Test
    void labelkeepAndLabeldropTakeOnlyARegex() {
        assertRejected(relabel("action: labelkeep\nregex: a\nsource_labels: []"), "4:9",
                "labelkeep action requires only 'regex', and no other fields");
        assertRejected(relabel("action: labeldrop\nregex: a\ntarget_label: x"), "4:9",
                "labeldrop action requires only 'regex', and no other fields");
        assertRejected(relabel("action: labeldrop\nregex: a\nreplacement: x"), "4:9",
                "labeldrop action requires only 'regex', and no other fields");
    }

    @Test
    void anEmptyOrNullActionIsAnError() {
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction:"), "6:9", "relabel action cannot be empty");
        assertRejected(relabel("source_labels: [a]\ntarget_label: b\naction: ''"), "6:9", "relabel action cannot be empty");
        assertRejected(relabel("action: explode"), "4:9", "unknown relabel action \"explode\"");
    }

    @Test
    void aNullRelabelRuleIsAnError() {
        assertRejected("scrape_configs:\n  - job_name: j\n    metric_relabel_configs:\n      -\n", "4:8",
                "empty or null relabeling rule");
    }

    @Test
    void relabelSourceLabelsMustBeValidNames() {
        assertRejected(relabel("source_labels: ['']\ntarget_label: b"), "4:9", "\"\" is not a valid label name");
    }

    // --- global.external_labels ---

    @Test
    void externalLabelNamesMustBeValid() {
        assertRejected("global:\n  external_labels:\n    '': x\n", "3:5", "\"\" is not a valid label name");
    }

    @Test
    void externalLabelValuesMustBeValidUtf8() {
        assertRejected("global:\n  external_labels:\n    a: \"\\ud800\"\n", "3:5", "not valid UTF-8");
    }

    @Test
    void externalLabelsAcceptUtf8NamesAndExpandTheEnvironmentAsPrometheus3() throws Exception {
        PrometheusConfig config = parse("""
                global:
                  external_labels:
                    cluster.name: eu-1
                    path: ${PATH}
                    literal: foo$$bar
                    unset: x${PROMETHIUM_SURELY_UNSET_VARIABLE}y
                """);
        Map<String, String> labels = new java.util.HashMap<>();
        config.global().externalLabels().forEach(labels::put);
        assertThat(labels).containsEntry("cluster.name", "eu-1").containsEntry("path", System.getenv("PATH"))
                .containsEntry("literal", "foo$bar").containsEntry("unset", "xy");
    }

    @Test
    void bytesThatAreNotUtf8AreAnErrorAtTheirPosition(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("prometheus.yml");
        byte[] head = "global:\n  external_labels:\n    a: \"x".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 3);
        bytes[head.length] = (byte) 0xff;
        bytes[head.length + 1] = '"';
        bytes[head.length + 2] = '\n';
        java.nio.file.Files.write(file, bytes);
        assertThatThrownBy(() -> new ConfigLoader(PluginKeys.NONE).load(file))
                .hasMessage(file + ":3:10: invalid UTF-8 (byte 0xff)");
    }

    @Test
    void aBinaryScalarThatIsNotUtf8IsNotAValidLabelValue() throws Exception {
        // Prometheus's config/testdata/labelvalue.bad.yml: "\xff" is not a valid label value.
        assertRejected("global:\n  external_labels:\n    name: !!binary \"/w==\"\n", "3:5",
                "\"name\" has a value that is not valid UTF-8");
        assertThat(parse("global:\n  external_labels:\n    name: !!binary \"aGk=\"\n").global().externalLabels().get("name"))
                .as("valid UTF-8 bytes are the value").isEqualTo("hi");
    }

    @Test
    void aBinaryKeyThatIsNotUtf8IsNotAValidLabelName() throws Exception {
        // Prometheus 3's config/testdata/labelname.bad.yml: "\xff" is not a valid label name.
        assertRejected("global:\n  external_labels:\n    !!binary \"/w==\": value\n", "3:5", "is not a valid label name");
        assertThat(parse("global:\n  external_labels:\n    !!binary \"aGk=\": v\n").global().externalLabels().get("hi"))
                .as("a binary key of valid UTF-8 is its text").isEqualTo("v");
    }

    // --- remote_write / remote_read ---

    @Test
    void remoteWriteNeedsAUrl() {
        assertRejected("remote_write:\n  - name: a\n", "2:5", "url for remote_write is empty");
        assertRejected("remote_read:\n  - name: a\n", "2:5", "url for remote_read is empty");
    }

    @Test
    void remoteNamesAreUnique() {
        assertRejected("remote_write:\n  - url: http://a/\n    name: queue1\n  - url: http://b/\n    name: queue1\n", "5:5",
                "found multiple remote write configs with job name \"queue1\"");
        assertRejected("remote_read:\n  - url: http://a/\n    name: queue1\n  - url: http://b/\n    name: queue1\n", "5:5",
                "found multiple remote read configs with job name \"queue1\"");
    }

    @Test
    void remoteReservedHeadersAreErrors() {
        assertRejected("remote_write:\n  - url: http://a/\n    headers:\n      x-prometheus-remote-write-version: '9'\n", "4:7",
                "x-prometheus-remote-write-version is a reserved header. It must not be changed");
        assertRejected("remote_read:\n  - url: http://a/\n    headers:\n      User-Agent: me\n", "4:7",
                "User-Agent is a reserved header. It must not be changed");
        assertRejected("remote_write:\n  - url: http://a/\n    headers:\n      Content-Type: text/plain\n", "4:7",
                "Content-Type is a reserved header");
    }

    @Test
    void anAuthorizationHeaderSetDirectlyIsAnError() {
        assertRejected("remote_write:\n  - url: http://a/\n    headers:\n      Authorization: Bearer x\n", "4:7",
                "authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter");
    }

    @Test
    void cloudAuthenticationIsRefusedByName() {
        assertRejected("remote_write:\n  - url: http://a/\n    sigv4:\n      region: eu-west-1\n", "3:5", "sigv4: cloud provider authentication");
        assertRejected("remote_write:\n  - url: http://a/\n    azuread:\n      cloud: AzurePublic\n", "3:5", "azuread: cloud provider authentication");
        assertRejected("alerting:\n  alertmanagers:\n    - sigv4:\n        region: x\n", "3:7", "sigv4: cloud provider authentication");
    }

    @Test
    void aNullRemoteEntryIsAnError() {
        assertRejected("remote_write:\n  -\n", "2:4", "empty or null remote write config section");
    }

    // --- tracing ---

    @Test
    void tracingNeedsAnEndpoint() {
        assertRejected("tracing:\n  client_type: grpc\n", "2:3", "tracing endpoint must be set");
    }

    @Test
    void tracingHeadersCompressionAndClientTypeAreChecked() {
        assertRejected("tracing:\n  endpoint: localhost:4317\n  headers:\n    x-prometheus-remote-write-version: x\n", "4:5",
                "x-prometheus-remote-write-version is a reserved header. It must not be changed");
        assertRejected("tracing:\n  endpoint: localhost:4317\n  headers:\n    Authorization: x\n", "4:5",
                "custom authorization header configuration is not yet supported");
        assertRejected("tracing:\n  endpoint: localhost:4317\n  compression: foo\n", "3:3",
                "invalid compression type foo provided, valid options: gzip");
        assertRejected("tracing:\n  endpoint: localhost:4317\n  client_type: carrier-pigeon\n", "3:3",
                "expected tracing client type to be to be grpc or http, but got carrier-pigeon");
        assertRejected("tracing:\n  endpoint: localhost:4317\n  tls_config:\n    cert_file: c.pem\n", "4:5",
                "exactly one of key or key_file must be configured when a client certificate is configured");
        assertRejected("tracing:\n  endpoint: localhost:4317\n  sampling: 1\n", "3:3", "field sampling not found in tracing");
    }

    @Test
    void aValidTracingSectionIsRefusedOnlyWithoutTheTracingBundle() throws Exception {
        String yaml = "tracing:\n  endpoint: localhost:4317\n  client_type: http\n  compression: gzip\n  sampling_fraction: 0.5\n";
        assertRejected(yaml, "1:1", "tracing: the tracing bundle (promethium-tracing) is not installed");
        java.util.List<io.promethium.api.config.PluginConfig> routed = new java.util.ArrayList<>();
        PluginKeys tracingOwner = new PluginKeys() {
            @Override
            public java.util.Set<String> discoveryTypes() {
                return java.util.Set.of();
            }

            @Override
            public void validateDiscovery(String type, io.promethium.api.config.PluginConfig config) {
            }

            @Override
            public java.util.Set<String> sectionKeys() {
                return java.util.Set.of("tracing");
            }

            @Override
            public void validateSection(String key, java.util.List<io.promethium.api.config.PluginConfig> entries,
                    io.promethium.api.config.SectionContext context) {
                routed.addAll(entries);
            }
        };
        new ConfigLoader(tracingOwner).parse(FILE, yaml);
        assertThat(routed).singleElement().satisfies(block -> {
            assertThat(block.values()).containsEntry("endpoint", "localhost:4317").containsEntry("client_type", "http");
            assertThat(block.locationOf("compression")).endsWith(":4:3");
        });
        // Prometheus's own checks still come first, with its messages.
        assertThatThrownBy(() -> new ConfigLoader(tracingOwner).parse(FILE, "tracing:\n  compression: gzip\n"))
                .hasMessageContaining("tracing endpoint must be set");
    }

    // --- target addresses ---

    @Test
    void aSchemeOrPathInAStaticTargetIsAnError() {
        assertRejected("scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: ['http://bad']\n", "4:9",
                "\"http://bad\" is not a valid hostname");
        assertRejected("scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: ['host:9100/metrics']\n", "4:9",
                "\"host:9100/metrics\" is not a valid hostname");
    }

    @Test
    void aSchemeInAnAlertmanagerTargetIsAnError() {
        assertRejected("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['http://am:9093']\n", "4:11",
                "\"http://am:9093\" is not a valid hostname");
    }

    @Test
    void aNullStaticConfigIsAnError() {
        assertRejected("scrape_configs:\n  - job_name: j\n    static_configs:\n      -\n", "4:8", "empty or null section in static_configs");
    }

    // --- rule_files ---

    @Test
    void ruleFilePatternsMustBeValidGlobsWithWildcardsOnlyInTheFileName() throws Exception {
        assertRejected("rule_files:\n  - 'rules/*/a.yml'\n", "1:1", "invalid rule file path \"rules/*/a.yml\"");
        assertRejected("rule_files:\n  - 'rules/[a.yml'\n", "1:1", "invalid rule file path \"rules/[a.yml\"");
        assertRejected("rule_files:\n  - 'rules/a.yml\\'\n", "1:1", "invalid rule file path");
        parse("rule_files:\n  - 'rules/*.yml'\n  - '/etc/[ab]?.rules'\n");
    }

    @Test
    void scrapeConfigFilePatternsFollowTheSameRule() {
        assertRejected("scrape_config_files:\n  - 'a/*/b.yml'\n", "1:1", "invalid scrape config file path \"a/*/b.yml\"");
    }

    // --- byte sizes ---

    @Test
    void aByteSizeWithoutAUnitIsAnError() throws Exception {
        assertRejected("scrape_configs:\n  - job_name: j\n    body_size_limit: 100\n", "3:5", "\"100\" has no unit");
        assertRejected("global:\n  body_size_limit: 100\n", "2:3", "\"100\" has no unit");
        assertThat(parse("global:\n  body_size_limit: 15MB\n").global().limits().bodySizeLimit()).isEqualTo(15L << 20);
        assertThat(parse("global:\n  body_size_limit: 0\n").global().limits().bodySizeLimit()).isZero();
    }

    // --- conflicting credentials ---

    private static String scrape(String client) {
        return "scrape_configs:\n  - job_name: j\n    " + client.replace("\n", "\n    ") + "\n";
    }

    @Test
    void bearerTokenWithBearerTokenFileIsAnError() {
        assertRejected(scrape("bearer_token: a\nbearer_token_file: f"), "4:5",
                "at most one of bearer_token & bearer_token_file must be configured");
    }

    @Test
    void basicAuthWithAuthorizationOrABearerTokenIsAnError() {
        assertRejected(scrape("basic_auth:\n  username: u\nauthorization:\n  credentials: c"), "5:5",
                "at most one of basic_auth, oauth2 & authorization must be configured");
        assertRejected(scrape("basic_auth:\n  username: u\nbearer_token: t"), "5:5",
                "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        assertRejected(scrape("authorization:\n  credentials: c\nbearer_token_file: f"), "3:5",
                "authorization is not compatible with bearer_token & bearer_token_file");
    }

    @Test
    void oauth2WithBasicAuthOrAConflictingSecretIsAnErrorAtTheKey() {
        assertRejected(scrape("basic_auth:\n  username: u\noauth2:\n  client_id: i\n  token_url: http://t/"), "5:5",
                "at most one of basic_auth, oauth2 & authorization must be configured");
        assertRejected(scrape("oauth2:\n  client_id: i\n  token_url: http://t/\n  client_secret: s\n  client_secret_file: f"), "7:7",
                "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured");
    }

    @Test
    void alertmanagerClientsFollowTheSameRulesAsScrapes() {
        assertRejected("alerting:\n  alertmanagers:\n    - bearer_token: a\n      bearer_token_file: f\n", "4:7",
                "at most one of bearer_token & bearer_token_file must be configured");
    }

    @Test
    void passwordWithPasswordFileIsAnError() {
        assertRejected(scrape("basic_auth:\n  username: u\n  password: p\n  password_file: f"), "6:7",
                "at most one of basic_auth password, password_file & password_ref must be configured");
        assertRejected(scrape("basic_auth:\n  username: u\n  username_file: f"), "5:7",
                "at most one of basic_auth username, username_file & username_ref must be configured");
    }

    @Test
    void credentialsWithCredentialsFileIsAnError() {
        assertRejected(scrape("authorization:\n  credentials: c\n  credentials_file: f"), "5:7",
                "at most one of authorization credentials & credentials_file must be configured");
    }

    @Test
    void tlsInlineAndFileFormsExcludeEachOther() {
        assertRejected(scrape("tls_config:\n  ca: x\n  ca_file: f"), "5:7", "at most one of ca and ca_file must be configured");
        assertRejected(scrape("tls_config:\n  key_file: k"), "4:7",
                "exactly one of cert or cert_file must be configured when a client key is configured");
    }

    @Test
    void reservedHttpHeadersAreErrors() {
        assertRejected(scrape("http_headers:\n  user-agent:\n    values: [me]"), "4:7", "setting header \"User-Agent\" is not allowed");
    }

    // --- nothing accepted and ignored ---

    @Test
    void settingsPromethiumDoesNotActOnAreRefusedByName() throws Exception {
        assertRejected("runtime:\n  gogc: 50\n", "1:1", "runtime: Go runtime settings");
        assertRejected("otlp:\n  promote_resource_attributes: [a]\n", "1:1", "otlp: the OTLP receiver bundle (promethium-otlp) is not installed");
        assertRejected("global:\n  scrape_failure_log_file: f.log\n", "2:3", "scrape_failure_log_file: logging failed scrapes");
        assertRejected("global:\n  query_log_file: q.log\n", "2:3", "query_log_file: logging queries to a file is not supported yet");
        assertRejected("global:\n  scrape_native_histograms: true\n", "2:3", "set it in each scrape config");
        assertRejected("storage:\n  tsdb:\n    stale_series_compaction_threshold: 0.5\n", "3:5", "stale_series_compaction_threshold");
        parse("global:\n  metric_name_validation_scheme: utf8\n  scrape_native_histograms: false\n  always_scrape_classic_histograms: false\n");
    }

    @Test
    void nativeHistogramSettingsOfAScrapeConfigAreRead() throws Exception {
        var h = parse(scrape("scrape_native_histograms: true\nalways_scrape_classic_histograms: true\n"
                + "native_histogram_bucket_limit: 160\nnative_histogram_min_bucket_factor: 1.1")).scrapeConfigs().get(0).histograms();
        assertThat(h).isEqualTo(new io.promethium.config.model.HistogramScrapeSettings(true, true, 160, 1.1));
        assertThat(parse(scrape("scrape_classic_histograms: true")).scrapeConfigs().get(0).histograms().alwaysScrapeClassicHistograms()).isTrue();
        assertThat(parse(scrape("honor_labels: true")).scrapeConfigs().get(0).histograms().scrapeNativeHistograms()).isNull();
        assertRejected(scrape("native_histogram_bucket_limit: -1"), "3:5", "must not be negative");
        assertRejected(scrape("native_histogram_min_bucket_factor: lots"), "3:5", "must be a number");
    }

    @Test
    void convertClassicHistogramsToNhcbIsReadPerScrapeConfigWithTheGlobalAsDefault() throws Exception {
        assertThat(parse(scrape("honor_labels: true")).scrapeConfigs().get(0).histograms().convertClassicHistogramsToNhcb()).isFalse();
        assertThat(parse(scrape("convert_classic_histograms_to_nhcb: true")).scrapeConfigs().get(0).histograms()
                .convertClassicHistogramsToNhcb()).isTrue();
        var global = parse("global:\n  convert_classic_histograms_to_nhcb: true\n" + scrape("honor_labels: true"));
        assertThat(global.global().convertClassicHistogramsToNhcb()).isTrue();
        assertThat(global.scrapeConfigs().get(0).histograms().convertClassicHistogramsToNhcb()).isTrue();
        assertThat(parse("global:\n  convert_classic_histograms_to_nhcb: true\n" + scrape("convert_classic_histograms_to_nhcb: false"))
                .scrapeConfigs().get(0).histograms().convertClassicHistogramsToNhcb()).isFalse();
        assertRejected(scrape("convert_classic_histograms_to_nhcb: maybe"), "3:5", "convert_classic_histograms_to_nhcb");
    }

    // --- sections written as nothing (YAML null): Go's zero value, i.e. defaults or empty ---

    @Test
    void sectionsWrittenAsNothingAreTheirDefaults() throws Exception {
        PrometheusConfig config = parse("global:\nrule_files:\nscrape_config_files:\nscrape_configs:\nalerting:\n"
                + "storage:\ntracing:\nruntime:\n");
        assertThat(config.global().scrapeInterval()).isEqualTo(io.promethium.config.model.GlobalConfig.DEFAULT.scrapeInterval());
        assertThat(config.ruleFiles()).isEmpty();
        assertThat(config.scrapeConfigs()).isEmpty();
    }

    @Test
    void pluginSectionsWrittenAsNothingAreEmpty() throws Exception {
        PluginKeys owning = new PluginKeys() {
            @Override
            public java.util.Set<String> discoveryTypes() {
                return java.util.Set.of();
            }

            @Override
            public java.util.Set<String> sectionKeys() {
                return java.util.Set.of("otlp", "remote_write", "remote_read");
            }

            @Override
            public void validateDiscovery(String type, io.promethium.api.config.PluginConfig config) {
            }
        };
        PrometheusConfig config = new ConfigLoader(owning).parse(FILE, "otlp:\nremote_write:\nremote_read:\n");
        assertThat(config.sections().entries("otlp")).isEmpty();
    }

    @Test
    void nestedSectionsWrittenAsNothingAreEmpty() throws Exception {
        parse("global:\n  external_labels:\nalerting:\n  alertmanagers:\n  alert_relabel_configs:\n"
                + "scrape_configs:\n  - job_name: j\n    static_configs:\n    relabel_configs:\n");
    }

    @Test
    void aQuotedEmptyStringIsNoSection() {
        assertRejected("global: \"\"\n", "1:9", "global: expected a mapping");
        assertRejected("rule_files: ''\n", "1:13", "rule_files: expected a list of strings");
    }
}
