package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlagsTest {

    private final List<Flags.Spec> specs = Flags.specs(Path.of("/opt/promethium"));
    /** The launcher's flags and a few a web bundle would declare in its manifest. */
    private final List<Flags.Spec> withWeb = Flags.merge(specs, List.of(
            new Flags.Spec("web.enable-lifecycle", "false", "Lifecycle.", true, "promethium-web"),
            new Flags.Spec("web.enable-admin-api", "false", "Admin.", true, "promethium-web"),
            new Flags.Spec("web.remote-write-receiver.accepted-protobuf-messages", "a", "Messages.", false, "promethium-web", true)),
            System.err);

    @Test
    void theLauncherDeclaresOnlyTheFlagsItReadsItself() {
        assertThat(specs).extracting(Flags.Spec::name).containsExactly("config.file", "web.listen-address", "web.external-url",
                "plugins.dir", "plugins.cache-dir", "plugins.trust-store", "plugins.scan-interval", "bundles.dir", "enable-feature", "log.level", "log.format");
    }

    @Test
    void defaultsAreRelativeToHome() throws Exception {
        Flags flags = Flags.parse(specs, List.of());
        assertThat(flags.get("config.file")).isEqualTo("/opt/promethium/conf/prometheus.yml");
        assertThat(flags.get("plugins.dir")).isEqualTo("/opt/promethium/plugins");
        assertThat(flags.get("plugins.cache-dir")).as("beside the install, not in the data folder").isEqualTo("/opt/promethium/cache");
        assertThat(Flags.parse(withWeb, List.of()).bool("web.enable-lifecycle")).isFalse();
    }

    @Test
    void acceptsEqualsAndSeparateValuesAndSwitches() throws Exception {
        Flags flags = Flags.parse(withWeb, List.of("--config.file=/etc/p.yml", "--web.listen-address", ":9999",
                "--web.enable-lifecycle", "--no-web.enable-admin-api", "--log.level=debug"));
        assertThat(flags.get("config.file")).isEqualTo("/etc/p.yml");
        assertThat(flags.get("web.listen-address")).isEqualTo(":9999");
        assertThat(flags.bool("web.enable-lifecycle")).isTrue();
        assertThat(flags.bool("web.enable-admin-api")).isFalse();
        assertThat(flags.get("log.level")).isEqualTo("debug");
    }

    @Test
    void unknownFlagAndBadValuesAreUsageErrors() {
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--no-such-flag"))).hasMessageContaining("--no-such-flag");
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--log.level=loud"))).hasMessageContaining("loud");
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--config.file"))).hasMessageContaining("expected argument");
    }

    @Test
    void anUnknownServerFlagExitsWithTwoAsPrometheusAndPrintsUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--bogus"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown long flag '--bogus'").contains("usage: promethium");
    }

    @Test
    void aFlagGivenTwiceIsAnErrorAsInPrometheusExceptTheRepeatableOnes() throws Exception {
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--log.level=info", "--log.level=debug")))
                .hasMessageContaining("flag 'log.level' cannot be repeated");
        assertThatThrownBy(() -> Flags.parse(withWeb, List.of("--web.enable-lifecycle", "--web.enable-lifecycle")))
                .hasMessageContaining("flag 'web.enable-lifecycle' cannot be repeated");
        assertThat(Flags.parse(withWeb, List.of("--web.remote-write-receiver.accepted-protobuf-messages=a",
                "--web.remote-write-receiver.accepted-protobuf-messages=b")).get("web.remote-write-receiver.accepted-protobuf-messages"))
                .as("a bundle's list flag").isEqualTo("a,b");
        assertThat(Flags.parse(specs, List.of("--web.listen-address=127.0.0.1:9090", "--web.listen-address", "[::1]:9091"))
                .get("web.listen-address")).as("repeatable in Prometheus 3: the web bundle listens on each")
                .isEqualTo("127.0.0.1:9090,[::1]:9091");
        assertThat(Flags.parse(specs, List.of("--enable-feature=a", "--enable-feature=b")).get("enable-feature")).isEqualTo("a,b");
    }

    @Test
    void writeDocumentationPrintsEveryFlagAsAMarkdownTableAsPrometheusDoes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--write-documentation"}, new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("---\ntitle: promethium\n---")
                .contains("| Flag | Description | Default | Declared by |")
                .contains("| <code class=\"text-nowrap\">--log.format</code> | Output format of log messages. One of: [logfmt, json] | `logfmt` | launcher |");
    }

    @Test
    void helpExitsWithZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--help"}, new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config.file");
    }

    @Test
    void prometheusFlagsNotSupportedAreRefusedSayingWhyNotUnknown() {
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--web.console.templates=x")))
                .hasMessageContaining("--web.console.templates of Prometheus is not supported by Promethium: console templates");
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--auto-gomemlimit.ratio=0.8")))
                .hasMessageContaining("Go runtime setting");
    }

    @Test
    void helpListsTheLaunchersFlagsFirstThenEachBundlesUnderItsName() {
        List<Flags.Spec> all = Flags.merge(specs, List.of(
                new Flags.Spec("scrape.discovery-reload-interval", "5s", "Interval used by scrape manager to throttle target groups updates.",
                        false, "promethium-scrape"),
                new Flags.Spec("scrape.adjust-timestamps", "true", "Adjust scrape timestamps.", true, "promethium-scrape"),
                new Flags.Spec("web.max-notifications-subscribers", "16", "Live notification subscribers at most.", false,
                        "promethium-config")), System.err);
        String usage = Flags.usage(all);
        assertThat(usage).contains("--web.listen-address=LISTEN_ADDRESS").contains("Can be repeated.");
        int scrape = usage.indexOf("\nFlags of promethium-scrape:\n      --scrape.discovery-reload-interval=DISCOVERY_RELOAD_INTERVAL");
        int config = usage.indexOf("\nFlags of promethium-config:\n      --web.max-notifications-subscribers=");
        assertThat(scrape).isGreaterThan(usage.indexOf("--log.format"));
        assertThat(config).isGreaterThan(scrape);
        assertThat(usage.substring(scrape)).contains("      --scrape.adjust-timestamps ");
    }

    @Test
    void serverOnlyFlagsWithAgentAndAgentOnlyFlagsWithoutItExitWithThreeAsPrometheus() throws Exception {
        List<Flags.Spec> all = Flags.merge(specs, List.of(
                new Flags.Spec("query.timeout", "2m", "Query timeout.", false, "promethium-promql"),
                new Flags.Spec("agent", "false", "Agent mode.", true, "promethium-tsdb"),
                new Flags.Spec("storage.tsdb.path", "data", "Path.", false, "promethium-tsdb"),
                new Flags.Spec("storage.agent.path", "data-agent", "Path.", false, "promethium-tsdb"),
                new Flags.Spec("web.search.max-limit", "10000", "Search limit.", false, "promethium-web")), System.err);
        assertThat(Flags.parse(all, List.of("--agent", "--web.search.max-limit=5")).modeConflict())
                .isEqualTo("The following flag(s) can not be used in agent mode: [\"--web.search.max-limit\"]");
        assertThat(Flags.parse(all, List.of("--agent", "--query.timeout=1m", "--storage.tsdb.path=x")).modeConflict())
                .isEqualTo("The following flag(s) can not be used in agent mode: [\"--query.timeout\" \"--storage.tsdb.path\"]");
        assertThat(Flags.parse(all, List.of("--storage.agent.path=y")).modeConflict())
                .isEqualTo("The following flag(s) can only be used in agent mode: [\"--storage.agent.path\"]");
        assertThat(Flags.parse(all, List.of("--agent", "--storage.agent.path=y", "--web.listen-address=:9999")).modeConflict()).isNull();
        assertThat(Flags.parse(all, List.of("--storage.tsdb.path=x")).modeConflict()).isNull();
    }

    @Test
    void aDeclaredFlagIsNoLongerRefused() throws Exception {
        List<Flags.Spec> withPageTitle = Flags.merge(specs,
                List.of(new Flags.Spec("web.page-title", "Promethium", "Page title.", false, "web-ui")), System.err);
        assertThat(Flags.parse(withPageTitle, List.of("--web.page-title=Mine")).get("web.page-title")).isEqualTo("Mine");
    }

    @Test
    void enableFeatureIsRepeatableAndRefusesPrometheusFeaturesNotImplemented() throws Exception {
        assertThat(Flags.parse(specs, List.of("--enable-feature=foo", "--enable-feature", "bar")).get("enable-feature"))
                .isEqualTo("foo,bar");
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--enable-feature=old-ui,foo")))
                .hasMessageContaining("old-ui").hasMessageContaining("not supported").hasMessageContaining("one web UI");
    }

    @Test
    void featuresPrometheus3RemovedAreOnlyWarnedAboutAsPrometheus3DoesSayingWhatBecameOfThem() throws Exception {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(Flags.class.getName());
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            assertThat(Flags.parse(specs, List.of("--enable-feature=expand-external-labels,agent,isolation")).get("enable-feature"))
                    .isEqualTo("expand-external-labels,agent,isolation");
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("expand-external-labels").contains("always on"))
                .anySatisfy(w -> assertThat(w).contains("agent").contains("use the --agent flag"))
                .anySatisfy(w -> assertThat(w).isEqualTo("Unknown option for --enable-feature: isolation"));
        assertThat(Flags.usage(specs)).contains("Features Prometheus 3 removed").contains("no-default-scrape-port: always on");
    }

    @Test
    void flagsPrometheus3RemovedAreRefusedNamingWhatReplacesThem() {
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--storage.tsdb.retention=15d")))
                .hasMessageContaining("--storage.tsdb.retention was removed in Prometheus 3: use --storage.tsdb.retention.time");
        assertThatThrownBy(() -> Flags.parse(specs, List.of("--scrape.name-escaping-scheme=dots")))
                .hasMessageContaining("metric_name_escaping_scheme");
    }
}
