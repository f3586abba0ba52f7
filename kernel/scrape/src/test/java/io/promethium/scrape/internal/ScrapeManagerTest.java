package io.promethium.scrape.internal;

import static io.promethium.scrape.internal.Configs.relabel;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.testing.CollectedSamples;
import io.promethium.config.model.ConfigSections;
import io.promethium.config.model.AlertingConfig;
import io.promethium.config.model.GlobalConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.ScrapeConfig;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.config.model.StaticConfig;
import io.promethium.config.model.StorageConfig;
import io.promethium.scrape.TargetInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScrapeManagerTest {

    private final TestServer a;
    private final TestServer b;
    private final MemoryStorage storage = new MemoryStorage();
    private ScrapeManager manager = new ScrapeManager();

    ScrapeManagerTest() throws IOException {
        a = new TestServer();
        b = new TestServer();
        a.text("from_a 1\n");
        b.text("from_b 1\n");
        manager.setStorage(storage);
    }

    @AfterEach
    void close() {
        manager.close();
        a.close();
        b.close();
    }

    private static ScrapeConfig fast(String job) {
        return Configs.withTiming(Configs.job(job), Duration.ofMillis(200), Duration.ofMillis(150));
    }

    private static ScrapeConfig withStatic(ScrapeConfig c, String... addresses) {
        return Configs.withTargets(c, List.of(new StaticConfig(List.of(addresses), Labels.of("env", "test"))), c.discoveryConfigs());
    }

    private static PrometheusConfig config(ScrapeConfig... jobs) {
        return new PrometheusConfig(null, GlobalConfig.DEFAULT, List.of(), List.of(jobs), AlertingConfig.EMPTY,
                ConfigSections.NONE, StorageConfig.DEFAULT, "");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private boolean hasSamples(String metric) {
        return storage.all().entrySet().stream()
                .anyMatch(e -> e.getKey().metricName().equals(metric) && e.getValue().stream().anyMatch(s -> !s.isStale()));
    }

    /**
     * Replaces {@link #manager} with one whose discovered changes reach the pools within 200 ms
     * (discovery's update interval and the pools' reload interval), not Prometheus's 5 s: for
     * tests that follow discovered changes; the throttle itself is checked on its own below.
     */
    private void withFastDiscovery() {
        manager.close();
        manager = new ScrapeManager(Duration.ofMillis(200));
        manager.setDiscoveryReloadInterval(Duration.ofMillis(200));
        manager.setStorage(storage);
    }

    private List<ScrapeLoop> loops(String job) {
        return manager.pool(job).loops();
    }

    @Test
    void scrapesStaticTargetsAndListsThemForTheApi() throws Exception {
        manager.applyConfig(config(withStatic(fast("j"), a.address(), b.address())));

        await("both targets scraped", () -> hasSamples("from_a") && hasSamples("from_b"));
        await("targets reported up", () -> manager.activeTargets().stream().allMatch(t -> t.health().equals(TargetInfo.UP)));
        List<TargetInfo> active = manager.activeTargets();
        assertThat(active).hasSize(2);
        TargetInfo first = active.stream().filter(t -> t.labels().get("instance").equals(a.address())).findFirst().orElseThrow();
        assertThat(first.scrapePool()).isEqualTo("j");
        assertThat(first.scrapeUrl()).isEqualTo("http://" + a.address() + "/metrics");
        assertThat(first.labels()).isEqualTo(Labels.of("env", "test", "instance", a.address(), "job", "j"));
        assertThat(first.discoveredLabels().get("__address__")).isEqualTo(a.address());
        assertThat(first.scrapeInterval()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void droppedTargetsAreKeptForTheApiUpToKeepDroppedTargets() throws Exception {
        ScrapeConfig config = Configs.withRelabel(withStatic(fast("j"), a.address(), "dropped-1:1", "dropped-2:1"),
                List.of(relabel(RelabelAction.DROP, List.of("__address__"), "dropped.*", "", "$1")), List.of());
        manager.applyConfig(config(config));
        assertThat(manager.droppedTargets()).hasSize(2);
        assertThat(manager.droppedTargets().get(0).discoveredLabels().get("__address__")).startsWith("dropped");

        manager.applyConfig(config(Configs.withLimits(config, new ScrapeLimits(0, 0, 0, 0, 0, 0, 1))));
        assertThat(manager.droppedTargets()).hasSize(1);
    }

    @Test
    void reloadWithAnUnchangedJobKeepsItsLoops() throws Exception {
        ScrapeConfig job = withStatic(fast("j"), a.address());
        manager.applyConfig(config(job, withStatic(fast("other"), b.address())));
        List<ScrapeLoop> before = loops("j");

        manager.applyConfig(config(job, withStatic(Configs.withTiming(Configs.job("other"), Duration.ofMillis(300),
                Duration.ofMillis(150)), b.address())));

        assertThat(loops("j")).containsExactlyElementsOf(before);
        assertThat(loops("other").get(0).settings().interval()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aReloadThatReplacesLoopsHandsTheSeriesOver() throws Exception {
        // Timeouts as long as the intervals: a scrape that times out on a loaded machine writes
        // staleness markers, which this test must only see if the hand-over loses the series.
        manager.applyConfig(config(withStatic(Configs.withTiming(Configs.job("j"), Duration.ofMillis(300), Duration.ofMillis(300)),
                a.address())));
        await("a scraped", () -> hasSamples("from_a"));

        manager.applyConfig(config(withStatic(Configs.withTiming(Configs.job("j"), Duration.ofMillis(350), Duration.ofMillis(350)),
                a.address())));
        ScrapeLoop replacement = loops("j").get(0);
        assertThat(replacement.settings().interval()).isEqualTo(Duration.ofMillis(350));
        Labels added = replacement.target().publicLabels().toBuilder().set("__name__", "scrape_series_added").build();
        await("the replacement scraped", () -> storage.samples(added).size() >= 2);

        List<MemoryStorage.Sample> addedSamples = storage.samples(added);
        assertThat(addedSamples.get(addedSamples.size() - 1).value()).as("no series new to the replacement loop").isZero();
        assertThat(storage.samples(Labels.of("__name__", "from_a", "env", "test", "instance", a.address(), "job", "j")))
                .as("no staleness marker between the two loops").noneMatch(MemoryStorage.Sample::isStale);
    }

    @Test
    void reloadWithChangedTargetRelabelingRestartsOnlyTheTargetsWhoseLabelsChange() throws Exception {
        ScrapeConfig job = withStatic(fast("j"), a.address(), b.address());
        manager.applyConfig(config(job));
        ScrapeLoop loopA = loops("j").stream().filter(l -> l.target().url().toString().contains(a.address())).findFirst().orElseThrow();

        String bAddress = b.address();
        manager.applyConfig(config(Configs.withRelabel(job, List.of(
                relabel(RelabelAction.REPLACE, List.of("__address__"), bAddress.replace(".", "\\."), "team", "b")), List.of())));

        List<ScrapeLoop> after = loops("j");
        assertThat(after).hasSize(2).contains(loopA);
        assertThat(after.stream().filter(l -> l != loopA).findFirst().orElseThrow().target().publicLabels().get("team"))
                .isEqualTo("b");
    }

    @Test
    void aTargetThatGoesAwayGetsStaleMarkers() throws Exception {
        manager.applyConfig(config(withStatic(fast("j"), a.address(), b.address())));
        await("b scraped", () -> hasSamples("from_b"));

        manager.applyConfig(config(withStatic(fast("j"), a.address())));

        await("b's series marked stale", () -> storage.all().entrySet().stream()
                .filter(e -> e.getKey().metricName().equals("from_b"))
                .anyMatch(e -> e.getValue().get(e.getValue().size() - 1).isStale()));
    }

    @Test
    void shutdownMarksEverySeriesStale() throws Exception {
        manager.applyConfig(config(withStatic(fast("j"), a.address())));
        await("a scraped", () -> hasSamples("from_a"));

        manager.close();

        Map<Labels, List<MemoryStorage.Sample>> all = storage.all();
        assertThat(all).isNotEmpty();
        assertThat(all.values()).allSatisfy(samples -> assertThat(StaleMarker.isStale(samples.get(samples.size() - 1).value())).isTrue());
    }

    @Test
    void targetLimitFailsEveryTargetOfThePool() throws Exception {
        manager.applyConfig(config(Configs.withLimits(withStatic(fast("j"), a.address(), b.address()),
                new ScrapeLimits(0, 0, 0, 0, 0, 1, 0))));
        // Polled as a whole: on a loaded machine a scrape may first fail by its 150 ms timeout.
        await("targets down for the target limit", () -> manager.activeTargets().stream()
                .allMatch(t -> t.health().equals(TargetInfo.DOWN) && t.lastError().contains("target_limit exceeded")));
        assertThat(hasSamples("from_a")).isFalse();
    }

    @Test
    void targetsComeFromDiscoveryPluginsAndFollowTheirUpdates() throws Exception {
        withFastDiscovery();
        FakeDiscovery discovery = new FakeDiscovery();
        manager.addDiscovererFactory(discovery);
        ScrapeConfig job = Configs.withTargets(fast("sd"), List.of(),
                List.of(new PluginConfig("fake_sd_configs", Map.of("name", "x"), "")));
        manager.applyConfig(config(job));
        assertThat(discovery.started).hasSize(1);

        discovery.send(new TargetGroup("g", List.of(Labels.of("__address__", a.address())), Labels.of("__meta_fake_zone", "z1")));
        await("a scraped via discovery", () -> hasSamples("from_a"));
        assertThat(manager.activeTargets().get(0).discoveredLabels().get("__meta_fake_zone")).isEqualTo("z1");

        discovery.send(new TargetGroup("g", List.of(Labels.of("__address__", b.address())), Labels.EMPTY));
        await("b replaces a", () -> hasSamples("from_b") && manager.activeTargets().size() == 1
                && manager.activeTargets().get(0).labels().get("instance").equals(b.address()));

        manager.applyConfig(config(job));
        assertThat(discovery.started).as("an unchanged block keeps its discoverer").hasSize(1);
    }

    @Test
    void aJobReadFromAScrapeConfigFileHasItsDiscoveryBlocksResolvedInThatFilesFolder() throws Exception {
        FakeDiscovery discovery = new FakeDiscovery();
        manager.addDiscovererFactory(discovery);
        java.nio.file.Path folder = java.nio.file.Path.of("/etc/prometheus/scrape.d");
        PluginConfig block = new PluginConfig("fake_sd_configs", Map.of("name", "x"), "");
        manager.applyConfig(config(Configs.withTargets(fast("main"), List.of(), List.of(block)),
                Configs.withTargets(fast("included"), List.of(), List.of(block)).withDirectory(folder)));
        assertThat(discovery.directories).as("the main file's folder (the working folder here) and the included file's")
                .containsExactlyInAnyOrder(java.nio.file.Path.of("").toAbsolutePath(), folder);
    }

    @Test
    void discoveredTargetChangesReachThePoolsAtMostOncePerDiscoveryReloadInterval() throws Exception {
        // A discovery manager updating every 200 ms; the scrape manager throttles to 2 s on top.
        io.promethium.discovery.DiscoveryManager sd = new io.promethium.discovery.DiscoveryManager(Duration.ofMillis(200),
                new io.promethium.config.plugin.PluginMetricsRegistry(), new io.promethium.config.http.KernelHttpClientFactory());
        FakeDiscovery discovery = new FakeDiscovery();
        sd.addFactory(discovery);
        // Every update the scrape manager takes, with the time it took it.
        List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.promethium.discovery.DiscoveryService timed = new io.promethium.discovery.DiscoveryService() {
            @Override
            public void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> statics, java.nio.file.Path dir,
                              io.promethium.discovery.TargetSetListener listener) throws ConfigException {
                sd.apply(consumer, sets, statics, dir, listener);
            }

            @Override
            public void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> statics, java.nio.file.Path dir,
                              Map<String, java.nio.file.Path> dirs, Duration interval, io.promethium.discovery.TargetSetListener listener)
                    throws ConfigException {
                sd.apply(consumer, sets, statics, dir, dirs, interval, u -> {
                    arrivals.add(System.nanoTime());
                    listener.update(u);
                });
            }

            @Override
            public void remove(String consumer) {
                sd.remove(consumer);
            }
        };
        ScrapeManager throttled = new ScrapeManager(timed);
        try {
            throttled.setStorage(storage);
            throttled.setDiscoveryReloadInterval(Duration.ofSeconds(2));
            ScrapeConfig job = Configs.withTargets(fast("sd"), List.of(),
                    List.of(new PluginConfig("fake_sd_configs", Map.of("name", "x"), "")));
            throttled.applyConfig(config(job));
            discovery.send(new TargetGroup("g", List.of(Labels.of("__address__", a.address())), Labels.EMPTY));
            await("a scraped via discovery", () -> hasSamples("from_a"));
            discovery.send(new TargetGroup("g", List.of(Labels.of("__address__", b.address())), Labels.EMPTY));
            await("b replaces a", () -> throttled.activeTargets().size() == 1
                    && throttled.activeTargets().get(0).labels().get("instance").equals(b.address()));
            assertThat(arrivals).as("a (with the first update or after it), then b").hasSizeGreaterThanOrEqualTo(2);
            for (int i = 1; i < arrivals.size(); i++) {
                assertThat(Duration.ofNanos(arrivals.get(i) - arrivals.get(i - 1))).as("updates taken at most every 2 s, not the 200 ms of discovery")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            }
        } finally {
            throttled.close();
            sd.close();
        }
    }

    @Test
    void aDiscoveryPluginUpdateYieldingTheSameTargetsKeepsTheirLoopsAndWritesNoStalenessMarker() throws Exception {
        io.promethium.discovery.DiscoveryManager sd = new io.promethium.discovery.DiscoveryManager(Duration.ofMillis(200),
                Duration.ofSeconds(10), new io.promethium.config.plugin.PluginMetricsRegistry(),
                new io.promethium.config.http.KernelHttpClientFactory());
        ScrapeManager swapped = new ScrapeManager(sd);
        try {
            swapped.setStorage(storage);
            swapped.setDiscoveryReloadInterval(Duration.ofMillis(200));
            TargetGroup group = new TargetGroup("g", List.of(Labels.of("__address__", a.address())), Labels.EMPTY);
            FakeDiscovery oldVersion = new FakeDiscovery(group);
            sd.addFactory(oldVersion);
            swapped.applyConfig(config(Configs.withTargets(fast("sd"), List.of(),
                    List.of(new PluginConfig("fake_sd_configs", Map.of("name", "x"), "")))));
            await("a scraped via discovery", () -> hasSamples("from_a"));
            ScrapeLoop loop = swapped.pool("sd").loops().get(0);

            sd.removeFactory(oldVersion);
            Thread.sleep(600);
            sd.addFactory(new FakeDiscovery(group));
            Thread.sleep(800);

            assertThat(swapped.pool("sd").loops()).containsExactly(loop);
            assertThat(storage.all().entrySet()).filteredOn(e -> e.getKey().metricName().equals("from_a"))
                    .allSatisfy(e -> assertThat(e.getValue()).noneMatch(MemoryStorage.Sample::isStale));
        } finally {
            swapped.close();
            sd.close();
        }
    }

    @Test
    void aPoolWhoseDiscoveryPluginIsNotInstalledScrapesItsStaticTargetsAndIsListedAsWaiting() throws Exception {
        withFastDiscovery();
        ScrapeConfig job = Configs.withTargets(fast("j"), List.of(new StaticConfig(List.of(a.address()), Labels.EMPTY)),
                List.of(new PluginConfig("fake_sd_configs", Map.of("name", "x"), "")));
        manager.applyConfig(config(job));
        await("the static target is scraped meanwhile", () -> hasSamples("from_a"));
        assertThat(manager.waitingPools()).isEqualTo(Map.of("j", java.util.Set.of("fake")));
        FakeDiscovery discovery = new FakeDiscovery(new TargetGroup("g", List.of(Labels.of("__address__", b.address())), Labels.EMPTY));
        manager.addDiscovererFactory(discovery);
        await("the discovered target is scraped when the plugin arrives", () -> hasSamples("from_b"));
        assertThat(manager.waitingPools()).isEmpty();
    }

    @Test
    void aZeroDiscoveryReloadIntervalIsPrometheusDefaultOfFiveSeconds() {
        manager.setDiscoveryReloadInterval(Duration.ZERO);
        assertThat(manager.discoveryReloadInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void collectsSelfMetricsUnderPrometheusNames() throws Exception {
        manager.applyConfig(config(withStatic(fast("j"), a.address())));
        Map<String, Double> samples = CollectedSamples.of(manager::collect);
        assertThat(samples).containsEntry("prometheus_target_scrape_pool_targets{scrape_job=\"j\"}", 1.0);
        assertThat(samples).containsKey("prometheus_target_scrapes_exceeded_sample_limit_total");
    }

    @Test
    void reportsTheEstimatedHeapOfEachPoolsCachesOnceItsTargetWasScraped() throws Exception {
        manager.applyConfig(config(withStatic(fast("j"), a.address())));
        await("the target is scraped", () -> hasSamples("from_a"));
        Map<String, Double> samples = CollectedSamples.of(manager::collect);
        long oneEntry = SeriesCache.ENTRY_BYTES;
        assertThat(samples.get("promethium_scrape_cache_bytes{cache=\"series\", scrape_job=\"j\"}"))
                .as("the target's series cache holds its series").isGreaterThan(oneEntry);
        assertThat(samples).containsKeys("promethium_scrape_cache_bytes{cache=\"metadata\", scrape_job=\"j\"}",
                "promethium_scrape_cache_bytes{cache=\"page_buffers\", scrape_job=\"j\"}");
    }

    /** A discovery plugin driven by the test. */
    private static final class FakeDiscovery implements DiscovererFactory {
        final List<Consumer<List<TargetGroup>>> started = new ArrayList<>();
        final List<java.nio.file.Path> directories = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** What a new discoverer reports first (its whole initial state). */
        private final List<TargetGroup> initial;

        FakeDiscovery(TargetGroup... initial) {
            this.initial = List.of(initial);
        }

        @Override
        public String type() {
            return "fake";
        }

        @Override
        public void validate(PluginConfig config) {
        }

        @Override
        public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
            directories.add(context.configDirectory());
            return new Discoverer() {
                @Override
                public void start(Consumer<List<TargetGroup>> updates) {
                    synchronized (FakeDiscovery.this) {
                        started.add(updates);
                    }
                    updates.accept(initial);
                }

                @Override
                public void close() {
                }
            };
        }

        void send(TargetGroup group) {
            Consumer<List<TargetGroup>> last;
            synchronized (this) {
                last = started.get(started.size() - 1);
            }
            last.accept(List.of(group));
        }
    }
}
