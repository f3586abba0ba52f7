package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.lifecycle.PluginFailure;
import io.promethium.config.lifecycle.PluginStatesRegistry;
import io.promethium.config.lifecycle.PluginTracker;
import io.promethium.config.plugin.internal.PluginServicesComponent;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.model.StorageConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportersTest {

    private static Exporter exporter(String name, double value) {
        return new Exporter() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void collect(MetricWriter writer) {
                writer.family("test_value", MetricType.GAUGE, "A test value.", "");
                writer.sample("test_value", Labels.of("k", "v"), value);
            }
        };
    }

    @Test
    void aScrapeWhileAnExporterIsBeingUpdatedReadsTheNewVersionInsteadOfFailing() throws Exception {
        Exporters exporters = new Exporters();
        Exporter oldVersion = exporter("node", 1);
        exporters.add(oldVersion);
        InProcessFetcher fetcher = new InProcessFetcher(exporters, "node", 0, null, Duration.ofSeconds(10));
        exporters.remove(oldVersion);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            exporters.add(exporter("node", 2));
        });
        PageFetcher.Page page = fetcher.fetch();
        assertThat(new String(page.buffer(), page.offset(), page.length(), StandardCharsets.UTF_8)).contains("test_value{k=\"v\"} 2");
    }

    @Test
    void aScrapeOfAnExporterNeverInstalledFailsAtOnce() {
        Exporters exporters = new Exporters();
        InProcessFetcher fetcher = new InProcessFetcher(exporters, "absent", 0, null, Duration.ofSeconds(10));
        long start = System.nanoTime();
        assertThatThrownBy(fetcher::fetch).hasMessageContaining("no exporter \"absent\" is installed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void targetsOnThisServersPortAndLoopbackAreInProcessOthersAreNot() {
        Exporters exporters = new Exporters();
        exporters.setListenAddress("0.0.0.0:9191");
        assertThat(exporters.inProcessName(URI.create("http://localhost:9191/exporters/node/metrics"))).isEqualTo("node");
        assertThat(exporters.inProcessName(URI.create("http://127.0.0.1:9191/exporters/jvm/metrics"))).isEqualTo("jvm");
        assertThat(exporters.inProcessName(URI.create("http://[::1]:9191/exporters/jvm/metrics"))).isEqualTo("jvm");
        assertThat(exporters.inProcessName(URI.create("http://localhost:9090/exporters/node/metrics"))).isNull();
        assertThat(exporters.inProcessName(URI.create("http://example.org:9191/exporters/node/metrics"))).isNull();
        assertThat(exporters.inProcessName(URI.create("http://localhost:9191/metrics"))).isNull();
        assertThat(exporters.inProcessName(URI.create("http://localhost:9191/exporters/a/b/metrics"))).isNull();
        exporters.setListenAddress("10.1.2.3:9300");
        assertThat(exporters.inProcessName(URI.create("http://10.1.2.3:9300/exporters/node/metrics"))).isEqualTo("node");
    }

    @Test
    void withSeveralListenAddressesTargetsOnAnyOfThemAreInProcess() {
        Exporters exporters = new Exporters();
        exporters.setListenAddress("127.0.0.1:9191,[::1]:9292,10.1.2.3:9300");
        assertThat(exporters.inProcessName(URI.create("http://localhost:9191/exporters/node/metrics"))).isEqualTo("node");
        assertThat(exporters.inProcessName(URI.create("http://[::1]:9292/exporters/node/metrics"))).isEqualTo("node");
        assertThat(exporters.inProcessName(URI.create("http://10.1.2.3:9300/exporters/node/metrics"))).isEqualTo("node");
        assertThat(exporters.inProcessName(URI.create("http://10.1.2.3:9191/exporters/node/metrics")))
                .as("9191 listens on loopback only").isNull();
        assertThat(exporters.inProcessName(URI.create("http://localhost:9400/exporters/node/metrics"))).isNull();
    }

    @Test
    void anInvalidOrTakenNameIsRefusedAndTheFirstExporterKeepsItsPage() {
        Exporters exporters = new Exporters();
        Exporter first = exporter("node", 1);
        exporters.add(first);
        exporters.add(exporter("node", 2));
        exporters.add(exporter("Bad/Name", 3));
        assertThat(exporters.get("node")).isSameAs(first);
        assertThat(exporters.names()).containsExactly("node");
        exporters.remove(exporter("node", 4));
        assertThat(exporters.get("node")).as("only the registered instance removes the page").isSameAs(first);
        exporters.remove(first);
        assertThat(exporters.names()).isEmpty();
    }

    @Test
    void inProcessFetcherRendersTheExportersPageAndReportsAMissingOrFailingOne() throws Exception {
        Exporters exporters = new Exporters();
        exporters.add(exporter("test", 42));
        InProcessFetcher fetcher = new InProcessFetcher(exporters, "test", 0);
        PageFetcher.Page page = fetcher.fetch();
        String text = new String(page.buffer(), page.offset(), page.length(), StandardCharsets.UTF_8);
        assertThat(text).contains("# TYPE test_value gauge").contains("test_value{k=\"v\"} 42");
        assertThat(page.contentType()).startsWith("text/plain");

        assertThatThrownBy(() -> new InProcessFetcher(exporters, "absent", 0).fetch())
                .hasMessageContaining("404").hasMessageContaining("absent");
        exporters.add(new Exporter() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void collect(MetricWriter writer) {
                throw new IllegalStateException("boom");
            }
        });
        assertThatThrownBy(() -> new InProcessFetcher(exporters, "broken", 0).fetch()).hasMessageContaining("boom");
        assertThatThrownBy(() -> new InProcessFetcher(exporters, "test", 10).fetch()).hasMessageContaining("body size limit");
    }

    @Test
    void aFailingExporterIsCountedInPluginFailuresWithItsLastErrorForTheConsole() throws Exception {
        // The kernel's registrar: the counter's registry and the console's plugin states.
        PluginServicesComponent registry = new PluginServicesComponent();
        Exporters exporters = new Exporters(registry);
        exporters.add(exporter("fine", 1));
        exporters.add(new Exporter() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void collect(MetricWriter writer) {
                throw new IllegalStateException("disk gone");
            }
        });
        MetricsRegistrar.Counter failures = registry.counter(PluginTracker.FAILURES_METRIC, "", "plugin", "kind");
        new InProcessFetcher(exporters, "fine", 0).fetch();
        InProcessFetcher broken = new InProcessFetcher(exporters, "broken", 0);
        assertThatThrownBy(broken::fetch).hasMessageContaining("disk gone");
        assertThatThrownBy(broken::fetch).hasMessageContaining("disk gone");

        assertThat(failures.value("broken", "exporter")).isEqualTo(2);
        assertThat(failures.value("fine", "exporter")).isZero();
        PluginFailure last = exporters.failures().get("broken");
        assertThat(last.count()).isEqualTo(2);
        assertThat(last.message()).contains("/exporters/broken/metrics").contains("disk gone");
        assertThat(PluginStatesRegistry.of(registry).failures()).as("the console's list of plugin failures")
                .anySatisfy(f -> assertThat(f.kind() + " " + f.type()).isEqualTo("exporter broken"));
        assertThat(exporters.failures()).doesNotContainKey("fine");
    }

    @Test
    void aScrapeConfigPointingAtAnExporterOfThisServerStoresItsSamplesWithoutHttp() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there, so HTTP would fail
        }
        MemoryStorage storage = new MemoryStorage();
        ScrapeManager manager = new ScrapeManager();
        try {
            manager.setStorage(storage);
            manager.exporters().setListenAddress("127.0.0.1:" + port);
            manager.exporters().add(exporter("test", 7));
            ScrapeConfig job = Configs.withTiming(Configs.job("exp"), Duration.ofMillis(200), Duration.ofMillis(150));
            job = Configs.withTargets(job, List.of(new StaticConfig(List.of("localhost:" + port), Labels.EMPTY)), List.of());
            job = Configs.withMetricsPath(job, "/exporters/test/metrics");
            manager.applyConfig(new PrometheusConfig(null, GlobalConfig.DEFAULT, List.of(), List.of(job), AlertingConfig.EMPTY,
                    ConfigSections.NONE, StorageConfig.DEFAULT, ""));
            for (int i = 0; i < 100 && storage.all().keySet().stream().noneMatch(l -> l.metricName().equals("test_value")); i++) {
                Thread.sleep(50);
            }
            assertThat(storage.all().keySet()).anyMatch(l -> l.metricName().equals("test_value")
                    && "exp".equals(l.get("job")) && "v".equals(l.get("k")));
            assertThat(storage.all().entrySet()).anyMatch(e -> e.getKey().metricName().equals("up")
                    && e.getValue().stream().anyMatch(s -> s.value() == 1));
        } finally {
            manager.close();
        }
    }

    @Test
    void inProcessScrapesWriteUtf8NamesAsTheJobsEscapingSchemeSays() throws Exception {
        Exporters exporters = new Exporters();
        exporters.add(new Exporter() {
            @Override
            public String name() {
                return "utf8";
            }

            @Override
            public void collect(MetricWriter writer) {
                writer.family("a.b", MetricType.GAUGE, "", "");
                writer.sample("a.b", Labels.of("c.d", "x"), 1);
            }
        });
        PageFetcher.Page quoted = new InProcessFetcher(exporters, "utf8", 0, null, Duration.ofSeconds(10),
                io.promethium.exposition.NameEscaping.ALLOW_UTF8).fetch();
        assertThat(new String(quoted.buffer(), quoted.offset(), quoted.length(), StandardCharsets.UTF_8))
                .contains("{\"a.b\",\"c.d\"=\"x\"} 1");
        assertThat(quoted.contentType()).endsWith("escaping=allow-utf-8");
        PageFetcher.Page escaped = new InProcessFetcher(exporters, "utf8", 0, null, Duration.ofSeconds(10),
                io.promethium.exposition.NameEscaping.UNDERSCORES).fetch();
        assertThat(new String(escaped.buffer(), escaped.offset(), escaped.length(), StandardCharsets.UTF_8))
                .contains("a_b{c_d=\"x\"} 1");
    }
}
