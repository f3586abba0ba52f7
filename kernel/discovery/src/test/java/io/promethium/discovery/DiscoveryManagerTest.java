package io.promethium.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.TestMetricsRegistrar;
import io.promethium.api.testing.UnsupportedHttpClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiscoveryManagerTest {

    private static final Path DIR = Path.of("/etc/promethium");

    private final TestMetricsRegistrar metrics = new TestMetricsRegistrar();
    private final FakeFactory fake = new FakeFactory("fake");
    private DiscoveryManager manager = new DiscoveryManager(Duration.ofMillis(300), metrics, new UnsupportedHttpClientFactory());
    private final BlockingQueue<Map<String, List<TargetGroup>>> scrape = new LinkedBlockingQueue<>();
    private final BlockingQueue<Map<String, List<TargetGroup>>> notify = new LinkedBlockingQueue<>();

    @AfterEach
    void close() {
        manager.close();
    }

    private static PluginConfig block(String name) {
        return new PluginConfig("fake_sd_configs", Map.of("name", name), "prometheus.yml:1:1");
    }

    /** Two target sets in this order. */
    private static Map<String, List<PluginConfig>> sets(String first, PluginConfig a, String second, PluginConfig b) {
        Map<String, List<PluginConfig>> sets = new java.util.LinkedHashMap<>();
        sets.put(first, List.of(a));
        sets.put(second, List.of(b));
        return sets;
    }

    /** Takes updates until one satisfies the check; fails after 10 s. */
    private static Map<String, List<TargetGroup>> await(BlockingQueue<Map<String, List<TargetGroup>>> queue,
                                                        java.util.function.Predicate<Map<String, List<TargetGroup>>> check)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Map<String, List<TargetGroup>> update = queue.poll(100, TimeUnit.MILLISECONDS);
            if (update != null && check.test(update)) {
                return update;
            }
        }
        throw new AssertionError("no matching update within 10 s");
    }

    private static int targets(Map<String, List<TargetGroup>> update, String set) {
        int count = 0;
        for (TargetGroup group : update.getOrDefault(set, List.of())) {
            count += group.targets().size();
        }
        return count;
    }

    @Test
    void staticTargetsAreCountedInDiscoveredTargetsAsPrometheusStaticProvider() throws Exception {
        manager.addFactory(fake);
        Map<String, List<PluginConfig>> sets = new java.util.LinkedHashMap<>();
        sets.put("static-only", List.of());
        sets.put("both", List.of(block("x")));
        manager.apply("scrape", sets, Map.of("static-only", 3, "both", 2), DIR, scrape::add);
        await(scrape, u -> u.containsKey("static-only"));
        assertThat(metrics.value("prometheus_sd_discovered_targets", "static-only", "scrape")).isEqualTo(3);
        assertThat(metrics.value("prometheus_sd_discovered_targets", "both", "scrape")).isEqualTo(2);
        fake.created.get(0).send(new TargetGroup("s", List.of(Labels.of("__address__", "h:1")), Labels.EMPTY));
        await(scrape, u -> targets(u, "both") == 1);
        assertThat(metrics.value("prometheus_sd_discovered_targets", "both", "scrape")).isEqualTo(3);
        manager.apply("scrape", sets, Map.of("both", 2), DIR, scrape::add);
        await(scrape, u -> true);
        assertThat(metrics.value("prometheus_sd_discovered_targets", "static-only", "scrape")).as("a static config removed").isZero();
    }

    @Test
    void identicalBlocksShareOneDiscovererAcrossJobsAndConsumers() throws Exception {
        manager.addFactory(fake);
        manager.apply("scrape", Map.of("a", List.of(block("x")), "b", List.of(block("x"))), DIR, scrape::add);
        manager.apply("notify", Map.of("config-0", List.of(block("x"))), DIR, notify::add);
        assertThat(fake.created).hasSize(1);
        fake.created.get(0).send(new TargetGroup("s", List.of(Labels.of("__address__", "h:1")), Labels.EMPTY));
        await(scrape, u -> targets(u, "a") == 1 && targets(u, "b") == 1);
        await(notify, u -> targets(u, "config-0") == 1);
        assertThat(manager.runningDiscoverers()).isEqualTo(1);
    }

    @Test
    void aDiscovererIsRestartedOnlyWhenItsOwnBlockChanges() throws Exception {
        manager.addFactory(fake);
        manager.apply("scrape", sets("a", block("x"), "b", block("y")), DIR, scrape::add);
        assertThat(fake.created).hasSize(2);
        manager.apply("scrape", sets("a", block("x"), "b", block("z")), DIR, scrape::add);
        assertThat(fake.created).hasSize(3);
        assertThat(fake.created.get(0).closed).as("x is unchanged and keeps running").isFalse();
        assertThat(fake.created.get(1).closed).as("y is gone").isTrue();
        assertThat(manager.runningDiscoverers()).isEqualTo(2);
    }

    @Test
    void updatesAreCoalescedToAtMostOnePerIntervalPerConsumer() throws Exception {
        manager.close();
        manager = new DiscoveryManager(Duration.ofSeconds(1), metrics, new UnsupportedHttpClientFactory());
        manager.addFactory(fake);
        manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add);
        await(scrape, u -> true);
        long start = System.nanoTime();
        FakeDiscoverer discoverer = fake.created.get(0);
        for (int i = 1; i <= 20; i++) {
            List<Labels> list = new ArrayList<>();
            for (int t = 0; t < i; t++) {
                list.add(Labels.of("__address__", "h:" + t));
            }
            discoverer.send(new TargetGroup("s", list, Labels.EMPTY));
        }
        Map<String, List<TargetGroup>> update = await(scrape, u -> targets(u, "a") == 20);
        assertThat(update).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(750));
        assertThat(scrape.poll(500, TimeUnit.MILLISECONDS)).as("twenty updates went out as one").isNull();
        assertThat(metrics.value("prometheus_sd_received_updates_total", "scrape")).isGreaterThanOrEqualTo(20);
        assertThat(metrics.value("prometheus_sd_updates_delayed_total", "scrape")).isGreaterThanOrEqualTo(19);
        assertThat(metrics.value("prometheus_sd_discovered_targets", "a", "scrape")).isEqualTo(20);
    }

    /** Updates with the time (ns) they reached the listener, so timing asserts do not depend on when the test looks. */
    private record Timed(long nanos, Map<String, List<TargetGroup>> update) {
    }

    private static Timed awaitTimed(BlockingQueue<Timed> queue, java.util.function.Predicate<Map<String, List<TargetGroup>>> check)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Timed t = queue.poll(100, TimeUnit.MILLISECONDS);
            if (t != null && check.test(t.update())) {
                return t;
            }
        }
        throw new AssertionError("no matching update within 10 s");
    }

    @Test
    void aConsumerWithItsOwnReloadIntervalTakesUpdatesThatSeldomWhileOthersKeepTheManagersInterval() throws Exception {
        manager.addFactory(fake);
        BlockingQueue<Timed> scrapeTimed = new LinkedBlockingQueue<>();
        BlockingQueue<Timed> notifyTimed = new LinkedBlockingQueue<>();
        // The scrape manager's --scrape.discovery-reload-interval: 1 s; notify keeps the manager's 300 ms.
        manager.apply("scrape", Map.of("a", List.of(block("x"))), Map.of(), DIR, Duration.ofSeconds(1),
                u -> scrapeTimed.add(new Timed(System.nanoTime(), u)));
        manager.apply("notify", Map.of("am", List.of(block("x"))), DIR, u -> notifyTimed.add(new Timed(System.nanoTime(), u)));
        Timed scrapeFirst = awaitTimed(scrapeTimed, u -> true);
        fake.created.get(0).send(new TargetGroup("s", List.of(Labels.of("__address__", "h:1")), Labels.EMPTY));
        Timed notifyGot = awaitTimed(notifyTimed, u -> targets(u, "am") == 1);
        Timed scrapeGot = awaitTimed(scrapeTimed, u -> targets(u, "a") == 1);
        assertThat(Duration.ofNanos(scrapeGot.nanos() - scrapeFirst.nanos())).as("scrape waits out its own 1 s window")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(notifyGot.nanos()).as("notify, on the manager's 300 ms, had it first").isLessThan(scrapeGot.nanos());
    }

    @Test
    void aConsumerIntervalShorterThanTheManagersHasTheManagers() throws Exception {
        manager.close();
        manager = new DiscoveryManager(Duration.ofSeconds(1), metrics, new UnsupportedHttpClientFactory());
        manager.addFactory(fake);
        BlockingQueue<Timed> scrapeTimed = new LinkedBlockingQueue<>();
        manager.apply("scrape", Map.of("a", List.of(block("x"))), Map.of(), DIR, Duration.ofMillis(100),
                u -> scrapeTimed.add(new Timed(System.nanoTime(), u)));
        Timed first = awaitTimed(scrapeTimed, u -> true);
        fake.created.get(0).send(new TargetGroup("s", List.of(Labels.of("__address__", "h:1")), Labels.EMPTY));
        Timed got = awaitTimed(scrapeTimed, u -> targets(u, "a") == 1);
        assertThat(Duration.ofNanos(got.nanos() - first.nanos())).as("both throttles apply, as in Prometheus")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    /** A manager whose grace period for a plugin update is short enough for a test. */
    private DiscoveryManager withGrace(Duration grace) {
        manager.close();
        manager = new DiscoveryManager(Duration.ofMillis(300), grace, metrics, new UnsupportedHttpClientFactory());
        return manager;
    }

    /** Every update that arrives within {@code millis}. */
    private static List<Map<String, List<TargetGroup>>> drain(BlockingQueue<Map<String, List<TargetGroup>>> queue, long millis)
            throws InterruptedException {
        List<Map<String, List<TargetGroup>>> updates = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            Map<String, List<TargetGroup>> update = queue.poll(50, TimeUnit.MILLISECONDS);
            if (update != null) {
                updates.add(update);
            }
        }
        return updates;
    }

    private static TargetGroup group(String source, String... addresses) {
        List<Labels> targets = new ArrayList<>();
        for (String address : addresses) {
            targets.add(Labels.of("__address__", address));
        }
        return new TargetGroup(source, targets, Labels.EMPTY);
    }

    @Test
    void aPluginUpdateThatYieldsTheSameTargetsKeepsThemWithoutAGap() throws Exception {
        withGrace(Duration.ofSeconds(10));
        manager.addFactory(fake);
        manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add);
        fake.created.get(0).send(group("s", "h:1", "h:2"));
        await(scrape, u -> targets(u, "a") == 2);
        manager.removeFactory(fake);
        assertThat(fake.created.get(0).closed).as("the old version's discoverer is closed at once").isTrue();
        List<Map<String, List<TargetGroup>>> meanwhile = drain(scrape, 700);
        FakeFactory newVersion = new FakeFactory("fake");
        newVersion.initial = group("s", "h:1", "h:2");
        manager.addFactory(newVersion);
        assertThat(newVersion.created).hasSize(1);
        meanwhile.addAll(drain(scrape, 700));
        assertThat(meanwhile).allSatisfy(u -> assertThat(targets(u, "a")).isEqualTo(2));
        assertThat(metrics.value("promethium_config_waiting_plugin", "fake_sd_configs")).isZero();
    }

    @Test
    void aReplacementThatNoLongerYieldsATargetDropsOnlyThatOne() throws Exception {
        withGrace(Duration.ofSeconds(10));
        manager.addFactory(fake);
        manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add);
        fake.created.get(0).send(group("s", "h:1", "h:2"));
        await(scrape, u -> targets(u, "a") == 2);
        manager.removeFactory(fake);
        FakeFactory newVersion = new FakeFactory("fake");
        newVersion.initial = group("s", "h:1");
        manager.addFactory(newVersion);
        Map<String, List<TargetGroup>> update = await(scrape, u -> targets(u, "a") == 1);
        assertThat(update.get("a").get(0).targets()).containsExactly(Labels.of("__address__", "h:1"));
    }

    @Test
    void aNewerVersionInstalledBesideTheOldTakesOverWithoutAGap() throws Exception {
        manager.addFactory(fake);
        manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add);
        fake.created.get(0).send(group("s", "h:1"));
        await(scrape, u -> targets(u, "a") == 1);
        FakeFactory newVersion = new FakeFactory("fake");
        newVersion.initial = group("s", "h:1");
        manager.addFactory(newVersion);
        assertThat(fake.created.get(0).closed).isTrue();
        manager.removeFactory(fake);
        assertThat(newVersion.created.get(0).closed).as("the old one leaving leaves the new one running").isFalse();
        assertThat(drain(scrape, 700)).allSatisfy(u -> assertThat(targets(u, "a")).isEqualTo(1));
    }

    @Test
    void aPluginThatGoesAwayForGoodDropsItsTargetsAfterTheGracePeriodAndComingBackRestoresThem() throws Exception {
        withGrace(Duration.ofMillis(400));
        manager.addFactory(fake);
        manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add);
        fake.created.get(0).send(group("s", "h:1"));
        await(scrape, u -> targets(u, "a") == 1);
        manager.removeFactory(fake);
        long gone = System.nanoTime();
        await(scrape, u -> targets(u, "a") == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - gone)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
        assertThat(manager.waitingPlugins("scrape")).isEqualTo(Map.of("a", java.util.Set.of("fake")));
        FakeFactory again = new FakeFactory("fake");
        again.initial = group("s", "h:1");
        manager.addFactory(again);
        await(scrape, u -> targets(u, "a") == 1);
        assertThat(manager.waitingPlugins("scrape")).isEmpty();
    }

    @Test
    void aBlockWhosePluginIsNotInstalledWaitsVisiblyAndStartsWhenThePluginArrives() throws Exception {
        manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add);
        await(scrape, u -> u.containsKey("a") && targets(u, "a") == 0);
        assertThat(manager.waitingPlugins("scrape")).isEqualTo(Map.of("a", java.util.Set.of("fake")));
        assertThat(metrics.value("promethium_config_waiting_plugin", "fake_sd_configs")).isEqualTo(1);
        fake.initial = group("s", "h:1");
        manager.addFactory(fake);
        await(scrape, u -> targets(u, "a") == 1);
        assertThat(manager.waitingPlugins("scrape")).isEmpty();
        assertThat(metrics.value("promethium_config_waiting_plugin", "fake_sd_configs")).isZero();
        manager.removeFactory(fake);
        assertThat(manager.waitingPlugins("scrape")).as("waits again when the plugin goes").isEqualTo(Map.of("a", java.util.Set.of("fake")));
    }

    @Test
    void aBlockThePluginRefusesFailsTheApplyNamingItAndIsCounted() {
        fake.refuse = true;
        manager.addFactory(fake);
        assertThatThrownBy(() -> manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add))
                .isInstanceOf(ConfigException.class).hasMessageContaining("prometheus.yml:1:1").hasMessageContaining("refused");
        assertThat(metrics.value("prometheus_sd_failed_configs", "scrape")).isEqualTo(1);
    }

    @Test
    void removingAConsumerClosesDiscoverersNobodyElseUses() throws Exception {
        manager.addFactory(fake);
        manager.apply("scrape", Map.of("a", List.of(block("x"))), DIR, scrape::add);
        manager.apply("notify", Map.of("config-0", List.of(block("x"), block("y"))), DIR, notify::add);
        assertThat(fake.created).hasSize(2);
        manager.remove("notify");
        assertThat(fake.created.get(0).closed).isFalse();
        assertThat(fake.created.get(1).closed).isTrue();
    }

    /** A discoverer the test drives by hand. */
    @Test
    void aSetWithItsOwnFolderGetsItsBlocksResolvedThereAndTheSameBlockElsewhereIsAnotherDiscoverer() throws Exception {
        manager.addFactory(fake);
        Path scrapeFiles = DIR.resolve("scrape.d");
        manager.apply("scrape", sets("main", block("x"), "included", block("x")), Map.of(), DIR, Map.of("included", scrapeFiles),
                Duration.ofSeconds(5), scrape::add);
        assertThat(fake.directories).as("one discoverer per folder the block resolves in").containsExactlyInAnyOrder(DIR, scrapeFiles);
    }

    private static final class FakeDiscoverer implements Discoverer {
        private final TargetGroup initial;
        private volatile Consumer<List<TargetGroup>> updates;
        volatile boolean closed;

        FakeDiscoverer(TargetGroup initial) {
            this.initial = initial;
        }

        @Override
        public void start(Consumer<List<TargetGroup>> sink) {
            this.updates = sink;
            sink.accept(initial == null ? List.of() : List.of(initial));
        }

        void send(TargetGroup group) {
            updates.accept(List.of(group));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final class FakeFactory implements DiscovererFactory {
        private final String type;
        final List<FakeDiscoverer> created = new CopyOnWriteArrayList<>();
        final List<Path> directories = new CopyOnWriteArrayList<>();
        volatile boolean refuse;
        volatile TargetGroup initial;

        FakeFactory(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public void validate(PluginConfig config) {
        }

        @Override
        public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
            if (refuse) {
                throw config.error("refused by the plugin");
            }
            FakeDiscoverer discoverer = new FakeDiscoverer(initial);
            directories.add(context.configDirectory());
            created.add(discoverer);
            return discoverer;
        }
    }
}
