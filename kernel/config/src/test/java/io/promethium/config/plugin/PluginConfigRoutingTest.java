package io.promethium.config.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.api.plugin.PluginContext;
import io.promethium.config.ConfigLoader;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.internal.DiscoveryKeys;
import io.promethium.config.model.PrometheusConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Plugin blocks as plugins see them: nested blocks with locations, declared secrets, HTTP settings, metrics. */
class PluginConfigRoutingTest {

    /** A plugin with a nested block, a list of blocks, a declared secret and embedded http_client_config. */
    private static final class MycorpFactory implements DiscovererFactory {
        @Override
        public String type() {
            return "mycorp";
        }

        @Override
        public void validate(PluginConfig config) throws ConfigException {
            Set<String> known = new java.util.HashSet<>(Set.of("server", "auth", "rules"));
            known.addAll(io.promethium.api.http.HttpClientFactory.FIELDS);
            config.requireOnly(known);
            PluginConfig auth = config.block("auth");
            if (auth != null) {
                auth.requireOnly(Set.of("user", "key"));
            }
            for (PluginConfig rule : config.blocks("rules")) {
                rule.requireOnly(Set.of("match", "port"));
                rule.integer("port", 0);
            }
        }

        @Override
        public void validate(PluginConfig config, PluginContext context) throws ConfigException {
            validate(config);
            context.httpClients().validate(config);
        }

        @Override
        public Set<String> secretFields() {
            return Set.of("auth.key", "rules.match");
        }

        @Override
        public Discoverer create(PluginConfig config, DiscoveryContext context) {
            throw new UnsupportedOperationException();
        }
    }

    private static PrometheusConfig load(String yaml) throws ConfigException {
        PluginMetricsRegistry registry = new PluginMetricsRegistry();
        return new ConfigLoader(new DiscoveryKeys(Map.of("mycorp", new MycorpFactory()), Map.of(), registry, new KernelHttpClientFactory()))
                .parse(Path.of("/etc/prometheus/prometheus.yml"), yaml);
    }

    private static final String WAITING = """
            scrape_configs:
              - job_name: j
                cmdb_sd_configs:
                  - server: cmdb.example
                    token: cmdb-token
            """;

    @Test
    void aKeyNoPluginOwnsIsAnErrorForCheckConfigNamingItsPlace() {
        assertThatThrownBy(() -> load(WAITING)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prometheus.yml:3:5").hasMessageContaining("cmdb_sd_configs")
                .hasMessageContaining("no installed discovery plugin owns it");
    }

    @Test
    void theRunningServerAcceptsAKeyNoPluginOwnsYetItsBlocksWaitingWithEveryValueMasked() throws ConfigException {
        PrometheusConfig config = new ConfigLoader(new DiscoveryKeys(Map.of("mycorp", new MycorpFactory()), Map.of(),
                new PluginMetricsRegistry(), new KernelHttpClientFactory(), true))
                .parse(Path.of("/etc/prometheus/prometheus.yml"), WAITING);
        PluginConfig block = config.scrapeConfigs().get(0).discoveryConfigs().get(0);
        assertThat(block.key()).isEqualTo("cmdb_sd_configs");
        assertThat(block.values()).containsEntry("server", "cmdb.example");
        assertThat(config.redactedYaml()).doesNotContain("cmdb-token").doesNotContain("cmdb.example");
    }

    @Test
    void declaredSecretsAndHttpSecretsAreMaskedInTheShownConfig() throws ConfigException {
        PrometheusConfig config = load("""
                scrape_configs:
                  - job_name: j
                    mycorp_sd_configs:
                      - server: a
                        auth:
                          user: me
                          key: very-secret-key
                        rules:
                          - match: secret-match
                            port: 80
                        basic_auth:
                          username: u
                          password: pw-secret
                        http_headers:
                          X-Api:
                            secrets: [header-secret]
                """);
        assertThat(config.redactedYaml()).contains("user: me").contains("key: <secret>").contains("match: <secret>")
                .doesNotContain("very-secret-key").doesNotContain("secret-match").doesNotContain("pw-secret")
                .doesNotContain("header-secret");
        PluginConfig block = config.scrapeConfigs().get(0).discoveryConfigs().get(0);
        assertThat(block.locationOf("auth")).isEqualTo("/etc/prometheus/prometheus.yml:5:9");
    }

    @Test
    void aDiscoveryPluginsErrorCarriesTheFieldAndLocationToTheLoadersCaller() {
        assertThatThrownBy(() -> load("""
                scrape_configs:
                  - job_name: j
                    mycorp_sd_configs:
                      - server: a
                        auth:
                          usr: me
                """)).isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("mycorp_sd_configs.auth.usr");
                    assertThat(e.location()).isEqualTo("/etc/prometheus/prometheus.yml:6:11");
                });
    }

    /** What a test section does with its entries at validation. */
    private interface EntriesCheck {
        void validate(List<PluginConfig> entries) throws ConfigException;
    }

    /** A loader whose only plugin owns the top-level {@code key}, validating with {@code check} (never applied). */
    private static ConfigLoader sectionLoader(String key, EntriesCheck check) {
        io.promethium.api.config.ConfigSection section = new io.promethium.api.config.ConfigSection() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public void validate(List<PluginConfig> entries, io.promethium.api.config.SectionContext context) throws ConfigException {
                check.validate(entries);
            }

            @Override
            public void apply(List<PluginConfig> entries, io.promethium.api.config.SectionContext context) {
                throw new UnsupportedOperationException("not reached");
            }
        };
        return new ConfigLoader(new DiscoveryKeys(Map.of(), Map.of(key, section), new PluginMetricsRegistry(), new KernelHttpClientFactory()));
    }

    @Test
    void aConfigSectionThatFailsWhileValidatingIsAConfigErrorNamingItsKey() {
        ConfigLoader loader = sectionLoader("broken_write", entries -> {
            throw new IllegalStateException("plugin bug");
        });
        assertThatThrownBy(() -> loader.parse(Path.of("/etc/prometheus/prometheus.yml"), "broken_write:\n  - url: http://x/\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).contains("prometheus.yml:2:5").contains("broken_write")
                            .contains("failed validating its entries").contains("plugin bug");
                    assertThat(e.field()).isEqualTo("broken_write");
                });
    }

    @Test
    void aConfigSectionsEntriesAreLocatedSoItsErrorsNameTheFieldsLineAndColumn() {
        ConfigLoader loader = sectionLoader("my_write", entries -> {
            for (PluginConfig entry : entries) {
                entry.block("queue").duration("backoff", null);
            }
        });
        assertThatThrownBy(() -> loader.parse(Path.of("/etc/prometheus/prometheus.yml"), """
                my_write:
                  - url: http://x/
                    queue:
                      backoff: 30s
                  - url: http://y/
                    queue:
                      backoff: soon
                """)).isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("my_write.queue.backoff");
                    assertThat(e.location()).isEqualTo("/etc/prometheus/prometheus.yml:7:7");
                    assertThat(e.getMessage()).startsWith("/etc/prometheus/prometheus.yml:7:7: backoff:");
                });
    }

    @Test
    void errorsInNestedBlocksNameTheirFileLineAndColumn() {
        assertThatThrownBy(() -> load("""
                scrape_configs:
                  - job_name: j
                    mycorp_sd_configs:
                      - server: a
                        auth:
                          usr: me
                """)).hasMessage("/etc/prometheus/prometheus.yml:6:11: field usr not found in mycorp_sd_configs.auth (known fields: [key, user])");
        assertThatThrownBy(() -> load("""
                scrape_configs:
                  - job_name: j
                    mycorp_sd_configs:
                      - rules:
                          - match: a
                          - match: b
                            port: eighty
                """)).hasMessageStartingWith("/etc/prometheus/prometheus.yml:7:13: port: expected an integer");
        assertThatThrownBy(() -> load("""
                scrape_configs:
                  - job_name: j
                    mycorp_sd_configs:
                      - tls_config:
                          min_version: TLS9
                """)).hasMessageContaining("prometheus.yml:5:11").hasMessageContaining("unknown TLS version");
    }

    @Test
    void theRegistrarSharesFamiliesByNameAndWritesThemForMetrics() {
        PluginMetricsRegistry registry = new PluginMetricsRegistry();
        MetricsRegistrar.Counter a = registry.counter("prometheus_sd_x_failures_total", "Failures.");
        MetricsRegistrar.Counter b = registry.counter("prometheus_sd_x_failures_total", "Failures.");
        a.inc();
        b.add(2);
        registry.summary("prometheus_sd_x_duration_seconds", "Durations.", "call").observe(0.5, "list");
        assertThatThrownBy(() -> registry.gauge("prometheus_sd_x_failures_total", "Other type."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registered already");
        MetricsRegistrar.Registration registration = registry.register(writer -> {
            writer.family("plugin_extra", MetricType.GAUGE, "", "");
            writer.sample("plugin_extra", 7);
        });
        List<String> samples = new ArrayList<>();
        MetricWriter writer = new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
                samples.add("# " + name + " " + type);
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                samples.add(name + labels + " " + value);
            }
        };
        registry.collect(writer);
        assertThat(samples).contains("prometheus_sd_x_failures_total{} 3.0", "prometheus_sd_x_duration_seconds_count{call=\"list\"} 1.0",
                "prometheus_sd_x_duration_seconds_sum{call=\"list\"} 0.5", "plugin_extra{} 7.0");
        registration.close();
        samples.clear();
        registry.collect(writer);
        assertThat(samples).noneMatch(s -> s.startsWith("plugin_extra"));
    }
}
