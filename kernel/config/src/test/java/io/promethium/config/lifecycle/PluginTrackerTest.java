package io.promethium.config.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.config.plugin.PluginMetricsRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginTrackerTest {

    /** A plugin service: its type and a version, so a test tells the old code from the new. */
    record Factory(String type, int version) {
    }

    /** What a consumer builds: which factory made it, and whether it was closed. */
    static final class Part {
        final Factory from;
        Closing closed;

        Part(Factory from) {
            this.from = from;
        }
    }

    /** A builder that records every build, close and expiry. */
    static final class Recorder implements PluginBuilder<Factory, Part> {
        final List<Part> built = new ArrayList<>();
        int expired;
        boolean fail;

        @Override
        public Part build(Factory service) {
            if (fail) {
                throw new IllegalArgumentException("bad block for " + service.type());
            }
            Part part = new Part(service);
            built.add(part);
            return part;
        }

        @Override
        public void close(Part part, Closing why) {
            part.closed = why;
        }

        @Override
        public void expired() {
            expired++;
        }
    }

    private final PluginMetricsRegistry registry = new PluginMetricsRegistry();
    private final PluginTracker<Factory> tracker = new PluginTracker<>("test", "_sd_configs", Factory::type, Duration.ofMillis(300),
            registry);

    private double waitingGauge(String key) {
        return registry.gauge(PluginTracker.WAITING_METRIC, "", "key").value(key);
    }

    @Test
    void aPartWithItsPluginInstalledIsBuiltAtOnce() {
        tracker.add(new Factory("cmdb", 1));
        Recorder recorder = new Recorder();
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", recorder);
        assertThat(use.get().from.version()).isEqualTo(1);
        assertThat(use.waiting()).isFalse();
        assertThat(tracker.waiting()).isEmpty();
    }

    @Test
    void aPartWaitsForItsPluginAndIsBuiltWhenItArrivesAndCountedMeanwhile() {
        Recorder recorder = new Recorder();
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", recorder);
        assertThat(use.get()).isNull();
        assertThat(use.waiting()).isTrue();
        assertThat(tracker.waiting()).containsEntry("cmdb_sd_configs", 1);
        assertThat(waitingGauge("cmdb_sd_configs")).isEqualTo(1);

        tracker.add(new Factory("cmdb", 1));
        assertThat(use.get()).isNotNull();
        assertThat(tracker.waiting()).isEmpty();
        assertThat(registry.gauge(PluginTracker.WAITING_METRIC, "", "key").value("cmdb_sd_configs")).isZero();
    }

    @Test
    void whenThePluginGoesWhatWasBuiltFromItIsClosedAndThePartWaitsAgain() {
        Factory old = new Factory("cmdb", 1);
        tracker.add(old);
        Recorder recorder = new Recorder();
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", recorder);
        Part part = use.get();
        tracker.remove(old);
        assertThat(part.closed).isEqualTo(Closing.GONE);
        assertThat(use.get()).isNull();
        assertThat(use.waiting()).isTrue();
        assertThat(waitingGauge("cmdb_sd_configs")).isEqualTo(1);
    }

    @Test
    void aReplacementRebuildsEveryPartOfItsTypeFromTheNewService() {
        Factory v1 = new Factory("cmdb", 1);
        tracker.add(v1);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        PluginUse<Factory, Part> useA = tracker.use("cmdb", "job a", a);
        PluginUse<Factory, Part> useB = tracker.use("cmdb", "job b", b);
        PluginUse<Factory, Part> other = tracker.use("dns", "job c", new Recorder());
        tracker.remove(v1);
        tracker.add(new Factory("cmdb", 2));
        assertThat(useA.get().from.version()).isEqualTo(2);
        assertThat(useB.get().from.version()).isEqualTo(2);
        assertThat(a.built).hasSize(2);
        assertThat(a.built.get(0).closed).isEqualTo(Closing.GONE);
        assertThat(other.waiting()).isTrue();
    }

    @Test
    void aNewerVersionBesideTheOldTakesOverAndTheOldOneLeavingChangesNothing() {
        Factory v1 = new Factory("cmdb", 1);
        Factory v2 = new Factory("cmdb", 2);
        tracker.add(v1);
        Recorder recorder = new Recorder();
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", recorder);
        tracker.add(v2);
        assertThat(recorder.built.get(0).closed).isEqualTo(Closing.REPLACED);
        assertThat(use.get().from).isEqualTo(v2);
        tracker.remove(v1);
        assertThat(use.get().from).isEqualTo(v2);
        assertThat(recorder.built).hasSize(2);
        tracker.remove(v2);
        assertThat(use.get()).isNull();
    }

    @Test
    void theNewestLeavingFallsBackToTheServiceStillThere() {
        Factory v1 = new Factory("cmdb", 1);
        Factory v2 = new Factory("cmdb", 2);
        tracker.add(v1);
        tracker.add(v2);
        Recorder recorder = new Recorder();
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", recorder);
        tracker.remove(v2);
        assertThat(use.get().from).isEqualTo(v1);
        assertThat(recorder.built.get(0).closed).isEqualTo(Closing.REPLACED);
    }

    @Test
    void releasingAPartClosesItAndItIsNotRebuiltAfterwards() {
        Factory v1 = new Factory("cmdb", 1);
        tracker.add(v1);
        Recorder recorder = new Recorder();
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", recorder);
        use.close();
        assertThat(recorder.built.get(0).closed).isEqualTo(Closing.RELEASED);
        tracker.add(new Factory("cmdb", 2));
        assertThat(recorder.built).hasSize(1);
        assertThat(use.get()).isNull();
        assertThat(use.waiting()).isFalse();
    }

    @Test
    void aFailedBuildKeepsThePartEmptyWithTheErrorUntilTheNextService() {
        Recorder recorder = new Recorder();
        recorder.fail = true;
        tracker.add(new Factory("cmdb", 1));
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", recorder);
        assertThat(use.get()).isNull();
        assertThat(use.waiting()).isFalse();
        assertThat(use.error()).contains("bad block for cmdb");
        recorder.fail = false;
        tracker.add(new Factory("cmdb", 2));
        assertThat(use.get()).isNotNull();
        assertThat(use.error()).isEmpty();
    }

    @Test
    void aPartWhosePluginWentWithoutReplacementExpiresAfterTheGracePeriod() throws Exception {
        Factory v1 = new Factory("cmdb", 1);
        tracker.add(v1);
        Recorder recorder = new Recorder();
        tracker.use("cmdb", "job a", recorder);
        tracker.remove(v1);
        assertThat(recorder.expired).isZero();
        Thread.sleep(700);
        assertThat(recorder.expired).isEqualTo(1);
    }

    @Test
    void aReplacementThatFailsBuildingThePartExpiresWhatWasHeldAtOnce() {
        Factory v1 = new Factory("cmdb", 1);
        tracker.add(v1);
        Recorder recorder = new Recorder();
        tracker.use("cmdb", "job a", recorder);
        recorder.fail = true;
        tracker.add(new Factory("cmdb", 2));
        assertThat(recorder.built.get(0).closed).isEqualTo(Closing.REPLACED);
        assertThat(recorder.expired).isEqualTo(1);
    }

    @Test
    void aReplacementWithinTheGracePeriodMeansNoExpiry() throws Exception {
        Factory v1 = new Factory("cmdb", 1);
        tracker.add(v1);
        Recorder recorder = new Recorder();
        tracker.use("cmdb", "job a", recorder);
        tracker.remove(v1);
        tracker.add(new Factory("cmdb", 2));
        Thread.sleep(700);
        assertThat(recorder.expired).isZero();
    }

    @Test
    void awaitingAPartReturnsTheValueBuiltByAReplacementArrivingMeanwhile() throws Exception {
        Factory v1 = new Factory("cmdb", 1);
        tracker.add(v1);
        PluginUse<Factory, Part> use = tracker.use("cmdb", "job a", new Recorder());
        tracker.remove(v1);
        Thread.ofVirtual().start(() -> {
            sleep(100);
            tracker.add(new Factory("cmdb", 2));
        });
        assertThat(use.await(Duration.ofSeconds(5)).from.version()).isEqualTo(2);
    }

    @Test
    void awaitingAServiceWaitsOnlyWithinTheGracePeriodOfOneThatWent() throws Exception {
        assertThat(tracker.awaitService("never", Duration.ofSeconds(5))).as("never installed: no wait").isNull();
        Factory v1 = new Factory("node", 1);
        tracker.add(v1);
        tracker.remove(v1);
        Thread.ofVirtual().start(() -> {
            sleep(100);
            tracker.add(new Factory("node", 2));
        });
        assertThat(tracker.awaitService("node", Duration.ofSeconds(5)).version()).isEqualTo(2);
        Factory v2 = tracker.current("node");
        tracker.remove(v2);
        long start = System.nanoTime();
        assertThat(tracker.awaitService("node", Duration.ofSeconds(5))).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void closingTheTrackerReleasesEveryPartAndClearsTheMetric() {
        tracker.add(new Factory("cmdb", 1));
        Recorder recorder = new Recorder();
        tracker.use("cmdb", "job a", recorder);
        tracker.use("teams", "receiver b", new Recorder());
        tracker.close();
        assertThat(recorder.built.get(0).closed).isEqualTo(Closing.RELEASED);
        assertThat(tracker.waiting()).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
