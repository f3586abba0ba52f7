package io.promethium.alertmanager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.alertmanager.dispatch.Route;
import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertmanagerConfigLoaderTest {

    private static final NotifierFactory WEBHOOK = new WebhookNotifierFactory();
    private final AlertmanagerConfigLoader loader = new AlertmanagerConfigLoader(t -> t.equals("webhook") ? WEBHOOK : null);

    @TempDir
    Path dir;

    private AlertmanagerConfig load(String yaml) throws Exception {
        Path f = dir.resolve("alertmanager.yml");
        Files.writeString(f, yaml);
        return loader.load(f);
    }

    private static final String FULL = """
            global:
              resolve_timeout: 1m
              smtp_from: am@example.org
            templates: ['*.tmpl']
            route:
              receiver: default
              group_by: [alertname]
              group_wait: 10s
              routes:
                - match: {severity: page}
                  receiver: pager
                  continue: true
                  routes:
                    - matchers: ['team=~"db|web"', 'env!="dev"']
                      receiver: team
                      group_by: ['...']
                      mute_time_intervals: [nights]
                - match_re: {service: 'api.*'}
                  receiver: team
                  repeat_interval: 1h
                  active_time_intervals: [office]
            inhibit_rules:
              - source_matchers: [severity="critical"]
                target_match: {severity: warning}
                equal: [alertname]
            receivers:
              - name: default
              - name: pager
                webhook_configs:
                  - url: http://127.0.0.1:1/pager
                    max_alerts: 5
              - name: team
                webhook_configs:
                  - url: http://127.0.0.1:1/a
                    send_resolved: false
                  - url_file: url.txt
            time_intervals:
              - name: office
                time_intervals:
                  - weekdays: ['monday:friday']
                    times: [{start_time: '09:00', end_time: '17:00'}]
                    location: Europe/Berlin
            mute_time_intervals:
              - name: nights
                time_intervals:
                  - times: [{start_time: '22:00', end_time: '24:00'}]
            """;

    @Test
    void fullConfigLoadsWithDefaultsAndInheritance() throws Exception {
        Files.writeString(dir.resolve("my.tmpl"), "{{ define \"x\" }}X{{ end }}");
        AlertmanagerConfig c = load(FULL);
        assertThat(c.resolveTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.globals()).containsEntry("smtp_from", "am@example.org").containsEntry("smtp_hello", "localhost");
        assertThat(c.templateFiles()).hasSize(1);
        RouteConfig root = c.route();
        assertThat(root.groupInterval()).isEqualTo(Duration.ofMinutes(5));
        RouteConfig pager = root.routes().get(0);
        assertThat(pager.groupWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(pager.groupBy()).containsExactly("alertname");
        assertThat(pager.routes().get(0).groupBy()).containsExactly("...");
        assertThat(root.routes().get(1).repeatInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.receiver("team").integrations()).extracting(IntegrationConfig::sendResolved).containsExactly(false, true);
        assertThat(c.inhibitRules().get(0).equal()).containsExactly("alertname");
        // Monday 2024-03-04 10:00 in Berlin is 09:00 UTC.
        assertThat(c.timeIntervals().get("office").contains(Instant.parse("2024-03-04T09:00:00Z"))).isTrue();
        assertThat(c.timeIntervals().get("office").contains(Instant.parse("2024-03-04T16:30:00Z"))).isFalse();
        assertThat(c.timeIntervals().get("office").contains(Instant.parse("2024-03-03T09:00:00Z"))).isFalse();
    }

    @Test
    void routeKeysAndContinueFollowAlertmanager() throws Exception {
        Route root = new Route(load(FULL).route(), null);
        List<Route> matched = root.match(Labels.of("alertname", "A", "severity", "page", "team", "db", "service", "api-1"));
        assertThat(matched).extracting(Route::key).containsExactly(
                "{}/{severity=\"page\"}/{env!=\"dev\",team=~\"db|web\"}", "{}/{service=~\"api.*\"}");
        assertThat(root.match(Labels.of("alertname", "A"))).extracting(Route::key).containsExactly("{}");
        assertThat(root.match(Labels.of("severity", "page", "team", "db", "env", "dev"))).extracting(Route::key)
                .containsExactly("{}/{severity=\"page\"}");
    }

    @Test
    void unknownFieldIsAnErrorWithItsPosition() {
        assertThatThrownBy(() -> load("route:\n  receiver: a\n  grup_by: [x]\nreceivers:\n  - name: a\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alertmanager.yml:3:3")
                .hasMessageContaining("field grup_by not found");
    }

    @Test
    void amtoolsChecksAreMade() {
        assertThatThrownBy(() -> load("route:\n  receiver: nope\nreceivers:\n  - name: a\n"))
                .hasMessageContaining("undefined receiver \"nope\" used in route");
        assertThatThrownBy(() -> load("route:\n  receiver: a\n  match: {x: y}\nreceivers:\n  - name: a\n"))
                .hasMessageContaining("root route must not have any matchers");
        assertThatThrownBy(() -> load("route:\n  receiver: a\n  routes:\n    - group_by: ['...', x]\nreceivers:\n  - name: a\n"))
                .hasMessageContaining("cannot have wildcard group_by");
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n"))
                .hasMessageContaining("notification config name \"a\" is not unique");
        assertThatThrownBy(() -> load("route:\n  receiver: a\n  routes:\n    - mute_time_intervals: [x]\nreceivers:\n  - name: a\n"))
                .hasMessageContaining("undefined time interval \"x\" used in route");
        assertThatThrownBy(() -> load("route:\n  receiver: a\n  routes:\n    - matchers: ['a=~\"(\"']\nreceivers:\n  - name: a\n"))
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> load("route:\n  receiver: a\n  group_interval: 0s\nreceivers:\n  - name: a\n"))
                .hasMessageContaining("group_interval cannot be zero");
        assertThatThrownBy(() -> load("receivers:\n  - name: a\n")).hasMessageContaining("no route provided");
    }

    @Test
    void integrationBlocksGoToTheirPlugin() {
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - max_alerts: 1\n"))
                .hasMessageContaining("alertmanager.yml:6:9: receiver \"a\": webhook_configs[0]: one of url or url_file must be configured");
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://x/\n      - {}\n"))
                .as("the receiver, the index and the field").hasMessageContaining("alertmanager.yml:7:9: receiver \"a\": webhook_configs[1]: one of url");
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://x/\n        nope: 1\n"))
                .hasMessageContaining("field nope not found in webhook_configs");
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@y\n"))
                .hasMessageContaining("no notifier plugin of type \"email\" is installed");
    }

    @Test
    void aPluginsErrorNamesTheFieldsOwnLineAndColumnAndKeepsThemWhenTheLoaderNamesTheReceiver() {
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://x/\n        nope: 1\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).as("the field's place, not the block's (6:9)")
                            .contains("alertmanager.yml:7:9: receiver \"a\": webhook_configs[0]: field nope");
                    assertThat(e.field()).isEqualTo("webhook_configs.nope");
                    assertThat(e.location()).endsWith("alertmanager.yml:7:9");
                });
    }

    @Test
    void theLocationsOfANotifierBlockReachNestedFieldsAndListItems() throws ConfigException {
        io.promethium.config.yaml.YamlNode.Mapping root = (io.promethium.config.yaml.YamlNode.Mapping) new io.promethium.config.yaml.YamlReader()
                .read("alertmanager.yml", "receivers:\n  - name: a\n    webhook_configs:\n      - url: http://x/\n        http_config:\n"
                        + "          tls_config: {ca_file: x}\n        list: [p, q]\n");
        io.promethium.config.yaml.YamlNode.Mapping block = (io.promethium.config.yaml.YamlNode.Mapping)
                ((io.promethium.config.yaml.YamlNode.Sequence) ((io.promethium.config.yaml.YamlNode.Mapping)
                        ((io.promethium.config.yaml.YamlNode.Sequence) root.entries().get("receivers").value()).items().get(0))
                        .entries().get("webhook_configs").value()).items().get(0);
        java.util.Map<String, String> at = AlertmanagerConfigLoader.locations(block);
        assertThat(at.get("url")).endsWith("alertmanager.yml:4:9");
        assertThat(at.get("http_config.tls_config")).endsWith("alertmanager.yml:6:11");
        assertThat(at.get("http_config.tls_config.ca_file")).endsWith("alertmanager.yml:6:24");
        assertThat(at.get("list[1]")).endsWith("alertmanager.yml:7:19");
    }

    @Test
    void aNotifierPluginThatFailsWhileValidatingIsAConfigErrorNamingTheBlock() {
        NotifierFactory broken = new NotifierFactory() {
            @Override
            public String type() {
                return "broken";
            }

            @Override
            public void validate(io.promethium.api.config.PluginConfig config, io.promethium.api.notify.NotifierContext context) {
                throw new IllegalStateException("plugin bug");
            }

            @Override
            public io.promethium.api.notify.Notifier create(io.promethium.api.config.PluginConfig config,
                                                            io.promethium.api.notify.NotifierContext context) {
                throw new UnsupportedOperationException("not reached");
            }
        };
        AlertmanagerConfigLoader withBroken = new AlertmanagerConfigLoader(t -> t.equals("broken") ? broken : null);
        assertThatThrownBy(() -> {
            Path f = dir.resolve("alertmanager.yml");
            Files.writeString(f, "route:\n  receiver: a\nreceivers:\n  - name: a\n    broken_configs:\n      - x: 1\n");
            withBroken.load(f);
        }).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).contains("alertmanager.yml:6:9: receiver \"a\": broken_configs[0]: ")
                    .contains("the broken notifier plugin failed validating the block").contains("plugin bug");
            assertThat(e.field()).isEqualTo("broken_configs");
        });
    }

    @Test
    void aPluginsErrorAboutOneFieldNamesThatFieldsLineAndColumn() {
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://x/\n        nope: 1\n"))
                .hasMessageContaining("alertmanager.yml:7:9: receiver \"a\": webhook_configs[0]: field nope not found in webhook_configs");
        assertThatThrownBy(() -> load("route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://x/\n"
                + "        max_alerts: many\n"))
                .hasMessageContaining("alertmanager.yml:7:9: receiver \"a\": webhook_configs[0]: max_alerts");
    }

    @Test
    void matcherSyntaxes() {
        assertThat(LabelMatchers.parse("{a=\"b\", c=~d.*}")).extracting(Object::toString).containsExactly("a=\"b\"", "c=~\"d.*\"");
        assertThat(LabelMatchers.parse("foo != bar")).extracting(Object::toString).containsExactly("foo!=\"bar\"");
        assertThatThrownBy(() -> LabelMatchers.parse("a b=c")).hasMessage("bad matcher format: a b=c");
    }

    private static final String HOOK = """
            receivers:
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:1/
            """;

    /**
     * What Alertmanager 0.34 accepts under its default flags (neither {@code classic-mode} nor
     * {@code utf8-strict-mode}): {@code matcher/compat} reads a matcher with the classic parser and,
     * where that refuses it, with the UTF-8 parser. The real {@code amtool check-config} here is
     * Debian's 0.25, which has only the classic parser: it refuses {@code service.name=x},
     * {@code "service.name"="x"}, {@code 日本=x}, {@code 1a=b} and {@code ""=x} ("bad matcher
     * format"), which 0.34 accepts; the rest it answers alike.
     */
    @Test
    void matchersAreReadAsAlertmanagersFallbackModeReadsThem() {
        // The classic parser's reading wins where it has one: ':' in names, unquoted values with
        // spaces, a lone brace, nothing at all.
        assertThat(LabelMatchers.parse("foo:bar=x")).extracting(Object::toString).containsExactly("foo:bar=\"x\"");
        assertThat(LabelMatchers.parse("a = b c ")).extracting(Object::toString).containsExactly("a=\"b c\"");
        assertThat(LabelMatchers.parse("{foo=bar")).extracting(Object::toString).containsExactly("foo=\"bar\"");
        assertThat(LabelMatchers.parse("")).isEmpty();
        assertThat(LabelMatchers.parse("{}")).isEmpty();
        assertThat(LabelMatchers.parse("a=\"x\\\\y\\tz\"")).extracting(m -> m.value()).as("classic: a spurious escape stays")
                .containsExactly("x\\y\\tz");
        // Where it has none, the UTF-8 parser's: any name, quoted (Go's escapes) or not.
        assertThat(LabelMatchers.parse("service.name=x")).extracting(m -> m.name() + "|" + m.value()).containsExactly("service.name|x");
        assertThat(LabelMatchers.parse("{\"service.name\"=~\"pg|my\\u0073ql\", 日本!=\"東京\"}"))
                .extracting(m -> m.name() + m.type().operator() + m.value())
                .containsExactly("service.name=~pg|mysql", "日本!=東京");
        assertThat(LabelMatchers.parse("1a=b")).extracting(m -> m.name()).containsExactly("1a");
        assertThat(LabelMatchers.parse("\"\"=x")).extracting(m -> m.name()).as("a quoted empty name: 0.34 takes it")
                .containsExactly("");
        // Refused by both: the classic parser's message.
        assertThatThrownBy(() -> LabelMatchers.parse("service.name=~\"(\"")).hasMessage("bad matcher format: service.name=~\"(\"");
        assertThatThrownBy(() -> LabelMatchers.parse("\"a=b")).hasMessage("bad matcher format: \"a=b");
        assertThatThrownBy(() -> LabelMatchers.parse("\"a\\'\"=b")).as("\\' is no Go escape in double quotes")
                .hasMessageContaining("bad matcher format");
        assertThatThrownBy(() -> LabelMatchers.parse("a=\"b")).hasMessage("matcher value contains unescaped double quote: \"b");
        assertThatThrownBy(() -> LabelMatchers.parse("a=b,,c=d")).hasMessage("bad matcher format: ");
        assertThatThrownBy(() -> LabelMatchers.parse("a=~\"(\"")).hasMessageContaining("invalid regular expression");
        // An API filter or amtool argument: exactly one, no braces.
        assertThat(LabelMatchers.parseOne("service.name=pg").name()).isEqualTo("service.name");
        assertThatThrownBy(() -> LabelMatchers.parseOne("{a=b}")).hasMessage("unexpected open or close brace: {a=b}");
        assertThatThrownBy(() -> LabelMatchers.parseOne("x.y=1,z.w=2")).hasMessage("bad matcher format: x.y=1,z.w=2");
    }

    /** Alertmanager prints a name with a reserved character quoted in route keys (hence group keys). */
    @Test
    void routeKeysQuoteANameWithAReservedCharacterAsAlertmanager() throws Exception {
        AlertmanagerConfig c = load("""
                route:
                  receiver: hook
                  routes:
                    - matchers: ['"service name"="a\\tb"', 'service.name="x"', team="db"]
                """ + HOOK);
        Route root = new Route(c.route(), null);
        Labels alert = Labels.of("service name", "a\tb", "service.name", "x", "team", "db");
        assertThat(root.match(alert)).singleElement().extracting(Route::key)
                .isEqualTo("{}/{\"service name\"=\"a\\tb\",service.name=\"x\",team=\"db\"}");
    }

    /**
     * Label names of route {@code labels}, {@code group_by} and {@code equal} are checked by
     * Alertmanager 0.34's {@code compat.IsValidLabelName}, which its default flags make the UTF-8
     * check (not empty, valid UTF-8); values are any text. Debian's amtool 0.25 knows no route
     * {@code labels} at all ("field labels not found") and refuses {@code service.name} in
     * {@code group_by} and {@code equal} ("invalid label name"). Alertmanager's own Go test
     * (TestRouteLabelsInvalidLabelName, "-invalid-" refused) runs without its flags, in the classic
     * mode the package starts in; the binaries do not.
     */
    @Test
    void utf8LabelNamesAreAcceptedWhereAlertmanager034AcceptsThem() throws Exception {
        AlertmanagerConfig c = load("""
                route:
                  receiver: hook
                  group_by: [service.name, 日本, -invalid-]
                  labels:
                    service.name: pg
                    -invalid-: "yes"
                    "k8s.io/app 🚀": '{{ index .GroupLabels "service.name" }}'
                    empty:
                inhibit_rules:
                  - source_matchers: ['service.name="pg"']
                    target_matchers: ['"日本"="x"']
                    equal: [service.name]
                """ + HOOK);
        assertThat(c.route().groupBy()).containsExactly("service.name", "日本", "-invalid-");
        assertThat(c.route().labels()).containsEntry("service.name", "pg").containsEntry("-invalid-", "yes")
                .containsEntry("k8s.io/app 🚀", "{{ index .GroupLabels \"service.name\" }}").containsEntry("empty", "");
        assertThat(c.inhibitRules().get(0).equal()).containsExactly("service.name");
    }

    /** What 0.34 still refuses, with the place: an empty name, and match-style keys by the legacy pattern. */
    @Test
    void emptyNamesAndNonLegacyMatchKeysAreRefusedWithTheirPlace() {
        assertThatThrownBy(() -> load("route:\n  receiver: hook\n  group_by: [a, '']\n" + HOOK))
                .hasMessageContaining("alertmanager.yml:3:17:").hasMessageContaining("invalid label name \"\" in group_by list");
        assertThatThrownBy(() -> load("route:\n  receiver: hook\n  routes:\n    - match: {service.name: x}\n" + HOOK))
                .hasMessageContaining("alertmanager.yml:4:15:").hasMessageContaining("invalid label name \"service.name\"");
        assertThatThrownBy(() -> load("route:\n  receiver: hook\n  routes:\n    - match_re: {日本: x}\n" + HOOK))
                .hasMessageContaining("alertmanager.yml:4:").hasMessageContaining("invalid label name \"日本\"");
        assertThatThrownBy(() -> load("route:\n  receiver: hook\ninhibit_rules:\n  - source_match: {a.b: x}\n" + HOOK))
                .hasMessageContaining("alertmanager.yml:4:20:").hasMessageContaining("invalid label name \"a.b\"");
        assertThatThrownBy(() -> load("route:\n  receiver: hook\ninhibit_rules:\n  - target_match_re: {a.b: x}\n" + HOOK))
                .hasMessageContaining("alertmanager.yml:4:").hasMessageContaining("invalid label name \"a.b\"");
        assertThatThrownBy(() -> load("route:\n  receiver: hook\ninhibit_rules:\n  - equal: ['']\n" + HOOK))
                .hasMessageContaining("alertmanager.yml:4:13:").hasMessageContaining("invalid label name \"\" in equal list");
        assertThatThrownBy(() -> load("route:\n  receiver: hook\n  routes:\n    - matchers: ['a b=c']\n" + HOOK))
                .hasMessageContaining("alertmanager.yml:4:").hasMessageContaining("bad matcher format: a b=c");
    }

    /**
     * Alertmanager's {@code matcher/compat} fallback parser warns, in these words, for each matcher
     * string of the config that only the classic parser reads ({@code foo=!bar\n}, from its own
     * parse_test.go), and for one both read differently; a matcher both read alike is silent.
     */
    @Test
    void aMatcherOnlyTheClassicParserReadsIsLoadedWithAlertmanagersWarningNamingWhereItIs() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(AlertmanagerConfigLoader.class.getName());
        logger.addHandler(handler);
        try {
            AlertmanagerConfig config = load("""
                    route:
                      receiver: hook
                      routes:
                        - matchers: ['team="db"', 'foo=!bar\\n']
                    inhibit_rules:
                      - source_matchers: ['foo="\\xf0\\x9f\\x99\\x82"']
                        target_matchers: [a=b]
                    """ + HOOK);
            assertThat(config).isNotNull();
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(records).extracting(LogRecord::getLevel).containsOnly(Level.WARNING);
        String file = dir.resolve("alertmanager.yml").toString();
        assertThat(records).extracting(LogRecord::getMessage).containsExactlyInAnyOrder(
                file + ":4:31: Alertmanager is moving to a new parser for labels and matchers, and this input is incompatible."
                        + " Alertmanager has instead parsed the input using the classic matchers parser as a fallback. To make this"
                        + " input compatible with the UTF-8 matchers parser please make sure all regular expressions and values are"
                        + " double-quoted and backslashes are escaped. If you are still seeing this message please open an issue."
                        + " input=\"foo=!bar\\\\n\" origin=config suggestion=\"foo=\\\"!bar\\\\n\\\"\"",
                file + ":6:23: Matchers input has disagreement input=\"foo=\\\"\\\\xf0\\\\x9f\\\\x99\\\\x82\\\"\" origin=config");
    }

    @Test
    void aNullRegexIsRefusedNamingItsLabelAsAlertmanagerDoes() {
        assertThatThrownBy(() -> load("""
                route:
                  receiver: empty
                  routes:
                    - match_re:
                        invalid_label:
                      receiver: empty
                receivers:
                  - name: empty
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("invalid_label");
        for (String side : List.of("source_match_re", "target_match_re")) {
            assertThatThrownBy(() -> load("""
                    route:
                      receiver: empty
                    receivers:
                      - name: empty
                    inhibit_rules:
                      - %s:
                          invalid_%s_label:
                    """.formatted(side, side))).as(side).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("invalid_" + side + "_label");
        }
    }

    @Test
    void theGlobalSmtpForceImplicitTlsOfAlertmanager034IsKeptAsABooleanAndAnythingElseIsRefused() throws Exception {
        var c = load("""
                global:
                  smtp_force_implicit_tls: true
                route:
                  receiver: r
                receivers:
                  - name: r
                """);
        assertThat(c.globals()).containsEntry("smtp_force_implicit_tls", true);
        assertThatThrownBy(() -> load("""
                global:
                  smtp_force_implicit_tls: sometimes
                route:
                  receiver: r
                receivers:
                  - name: r
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_force_implicit_tls").hasMessageContaining("alertmanager.yml:2:");
    }

    @Test
    void theGlobalSmtpTlsConfigOfAlertmanager034IsKeptWithItsKeyMaskedAndABadOneIsRefusedWhereItIs() throws Exception {
        var c = load("""
                global:
                  smtp_tls_config:
                    server_name: mail.example.org
                    key: private-key-text
                    cert: cert-text
                route:
                  receiver: r
                receivers:
                  - name: r
                """);
        assertThat(c.globals().get("smtp_tls_config")).isEqualTo(Map.of("server_name", "mail.example.org",
                "key", "private-key-text", "cert", "cert-text"));
        assertThat(c.shown()).contains("server_name: mail.example.org").contains("<secret>").doesNotContain("private-key-text");
        assertThatThrownBy(() -> load("""
                global:
                  smtp_tls_config:
                    ca_ref: vault
                route:
                  receiver: r
                receivers:
                  - name: r
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ca_ref").hasMessageContaining("alertmanager.yml:3:");
        assertThatThrownBy(() -> load("""
                global:
                  smtp_tls_config: yes-please
                route:
                  receiver: r
                receivers:
                  - name: r
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_tls_config: expected a mapping").hasMessageContaining("alertmanager.yml:2:");
    }

    @Test
    void aGlobalSecretAndItsFileTogetherAreRefused() {
        for (String secret : List.of("smtp_auth_password", "opsgenie_api_key", "victorops_api_key", "telegram_bot_token",
                "slack_api_url", "wechat_api_secret", "rocketchat_token", "rocketchat_token_id", "mattermost_webhook_url",
                "slack_app_token", "smtp_auth_secret")) {
            assertThatThrownBy(() -> load("""
                    global:
                      %1$s: x
                      %1$s_file: f
                    route:
                      receiver: r
                    receivers:
                      - name: r
                    """.formatted(secret))).as(secret).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("at most one of " + secret + " & " + secret + "_file must be configured")
                    .hasMessageContaining("alertmanager.yml:3:");
        }
    }

    @Test
    void integrationsOfNewerAlertmanagerReleasesAreNamedAsSuchWhenTheirPluginIsMissing() {
        for (String type : List.of("msteamsv2", "jira", "incidentio", "rocketchat", "mattermost", "sns")) {
            assertThatThrownBy(() -> load("""
                    route:
                      receiver: r
                    receivers:
                      - name: r
                        %s_configs:
                          - {}
                    """.formatted(type))).as(type)
                    .hasMessageContaining("no notifier plugin of type \"" + type + "\" is installed")
                    .hasMessageNotContaining("not an Alertmanager integration");
        }
        assertThatThrownBy(() -> load("""
                route:
                  receiver: r
                receivers:
                  - name: r
                    carrierpigeon_configs:
                      - {}
                """)).hasMessageContaining("not an Alertmanager integration either");
    }

    @Test
    void aGlobalSlackAppTokenAndApiUrlTogetherAreRefusedUnlessTheUrlIsTheDefaultAppUrl() throws Exception {
        assertThatThrownBy(() -> load("""
                global:
                  slack_app_token: xoxb-1
                  slack_api_url: https://hooks.slack.com/services/T/B/X
                route:
                  receiver: r
                receivers:
                  - name: r
                """)).hasMessageContaining("at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file");
        load("""
                global:
                  slack_app_token: xoxb-1
                  slack_api_url: https://slack.com/api/chat.postMessage
                route:
                  receiver: r
                receivers:
                  - name: r
                """);
    }

    /** Alertmanager 0.34's route labels: merged over the parent's at each level, names checked. */
    @Test
    void routeLabelsAreInheritedAndOverriddenByChildRoutes() throws Exception {
        AlertmanagerConfig c = load("""
                route:
                  receiver: hook
                  labels:
                    team: infra
                    page: "no"
                  routes:
                    - matchers: [severity="critical"]
                      labels:
                        page: "yes"
                        key: '{{ .GroupLabels.alertname }}'
                      routes:
                        - matchers: [db="x"]
                    - matchers: [severity="info"]
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: http://127.0.0.1:1/
                """);
        assertThat(c.route().labels()).containsExactly(java.util.Map.entry("page", "no"), java.util.Map.entry("team", "infra"));
        RouteConfig critical = c.route().routes().get(0);
        assertThat(critical.labels()).containsExactly(java.util.Map.entry("key", "{{ .GroupLabels.alertname }}"),
                java.util.Map.entry("page", "yes"), java.util.Map.entry("team", "infra"));
        assertThat(critical.routes().get(0).labels()).isEqualTo(critical.labels());
        assertThat(c.route().routes().get(1).labels()).isEqualTo(c.route().labels());
    }

    @Test
    void aRouteLabelWithAnInvalidNameIsRefusedWithItsPlace() {
        assertThatThrownBy(() -> load("""
                route:
                  receiver: hook
                  labels:
                    ok: x
                    "": x
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: http://127.0.0.1:1/
                """)).hasMessageContaining("alertmanager.yml:5:5:").hasMessageContaining("invalid label name \"\" in route labels");
    }

    @org.junit.jupiter.api.Test
    void alertmanagersTracingSectionLoadsWithItsHeadersAndSecretsMasked() throws Exception {
        AlertmanagerConfig c = load("""
                route: {receiver: default}
                receivers: [{name: default}]
                tracing:
                  client_type: http
                  endpoint: collector:4318
                  sampling_fraction: 0.5
                  insecure: true
                  compression: gzip
                  timeout: 5s
                  headers:
                    X-Scope-OrgID: {values: [team-a]}
                    X-Api-Key: {secrets: [hunter2]}
                """);
        org.assertj.core.api.Assertions.assertThat(c.tracing().url()).isEqualTo("http://collector:4318/v1/traces");
        org.assertj.core.api.Assertions.assertThat(c.tracing().samplingFraction()).isEqualTo(0.5);
        org.assertj.core.api.Assertions.assertThat(c.tracing().headers()).containsEntry("X-Scope-OrgID", "team-a")
                .containsEntry("X-Api-Key", "hunter2");
        org.assertj.core.api.Assertions.assertThat(c.shown()).contains("<secret>").doesNotContain("hunter2");
        org.assertj.core.api.Assertions.assertThat(load("route: {receiver: d}\nreceivers: [{name: d}]\ntracing:\n").tracing()).isNull();
    }

    @org.junit.jupiter.api.Test
    void aBadTracingSectionIsRefusedAtItsLine() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> load(
                        "route: {receiver: d}\nreceivers: [{name: d}]\ntracing:\n  endpoint: c:4317\n  compression: zstd\n"))
                .hasMessageContaining("alertmanager.yml:5:3: invalid compression type zstd provided, valid options: gzip");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> load(
                        "route: {receiver: d}\nreceivers: [{name: d}]\ntracing:\n  insecure: true\n"))
                .hasMessageContaining("alertmanager.yml:4:3: tracing endpoint must be set");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> load(
                        "route: {receiver: d}\nreceivers: [{name: d}]\ntracing:\n  endpoint: c:4317\n  headers:\n    X-T: {files: [t]}\n"))
                .hasMessageContaining(":6:") .hasMessageContaining("header files are not supported for tracing configuration");
    }

    /** A plugin block's mappings say which keys were plain, for the webhook payload's Go {@code any} (its plain {@code 1:} is not a string). */
    @Test
    void aPluginBlocksMappingsSayWhichKeysWerePlain() throws ConfigException {
        io.promethium.config.yaml.YamlNode node = new io.promethium.config.yaml.YamlReader().read("alertmanager.yml",
                "payload:\n  1: a\n  \"2\": b\n  inner: {true: c}\n");
        Object payload = ((java.util.Map<?, ?>) Block.plain(node)).get("payload");
        assertThat(payload).isInstanceOf(io.promethium.api.config.YamlMapping.class);
        io.promethium.api.config.YamlMapping m = (io.promethium.api.config.YamlMapping) payload;
        assertThat(m.plainKey("1")).isTrue();
        assertThat(m.plainKey("2")).isFalse();
        assertThat(((io.promethium.api.config.YamlMapping) m.get("inner")).plainKey("true")).isTrue();
    }
}
