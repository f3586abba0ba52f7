package io.promethium.web.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} over a plugin update: the new version is collected once, never beside the old;
 * in the gap between the old version's stop and the new one's start the old version's last
 * families are served; a plugin removed for good is gone after the grace period.
 */
class CollectorsTest {

    private static final Duration GRACE = Duration.ofSeconds(15);

    /**
     * A plugin's collector; loaded again by {@link Version} to stand for a rebuilt jar. Writes one
     * gauge labelled with its version (its class loader's name), set through {@link DoubleConsumer};
     * a negative one makes it throw half-way.
     */
    public static final class PluginCollector implements Collector, DoubleConsumer {
        private volatile double value;

        @Override
        public void accept(double v) {
            value = v;
        }

        @Override
        public void collect(MetricWriter writer) {
            writer.family("plugin_value", MetricType.GAUGE, "A plugin's value.", "");
            if (value < 0) {
                throw new IllegalStateException("a negative value");
            }
            writer.sample("plugin_value", Labels.of("version", String.valueOf(getClass().getClassLoader().getName())), value);
        }
    }

    /** A bundle class loader of one plugin version: defines {@link PluginCollector} itself, delegates the rest. */
    private static final class Version extends ClassLoader {
        Version(String name) {
            super(name, CollectorsTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(PluginCollector.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }

        Collector newCollector(double value) throws Exception {
            Collector collector = (Collector) loadClass(PluginCollector.class.getName()).getDeclaredConstructor().newInstance();
            ((DoubleConsumer) collector).accept(value);
            return collector;
        }
    }

    /** A core collector of the server itself (never updated apart from it). */
    private static final Collector CORE = writer -> {
        writer.family("core_up", MetricType.GAUGE, "", "");
        writer.sample("core_up", 1);
    };

    private final AtomicLong clock = new AtomicLong();
    /** What the launcher's state says of a collector that leaves: a new version installed beside it. */
    private volatile boolean replacing = true;
    private final Collectors collectors = new Collectors(GRACE, clock::get, c -> replacing);

    /** What a scrape of {@code /metrics} would show: one line per sample. */
    private List<String> scrape() {
        List<String> lines = new ArrayList<>();
        MetricWriter writer = new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                lines.add(name + labels + " " + value);
            }
        };
        for (Collector collector : collectors.snapshot()) {
            collector.collect(writer);
        }
        return lines;
    }

    private void advance(Duration by) {
        clock.addAndGet(by.toNanos());
    }

    @Test
    void duringAnUpdateOnlyTheNewVersionIsCollectedAndAfterItTheNewVersionStays() throws Exception {
        Collector v1 = new Version("v1").newCollector(1);
        Collector v2 = new Version("v2").newCollector(2);
        assertThat(v1.getClass()).isNotSameAs(v2.getClass());
        collectors.add(CORE);
        collectors.add(v1);
        assertThat(scrape()).containsExactly("core_up{} 1.0", "plugin_value{version=\"v1\"} 1.0");

        collectors.add(v2); // the new version started: the old one is still registered
        assertThat(scrape()).containsExactly("core_up{} 1.0", "plugin_value{version=\"v2\"} 2.0");

        collectors.remove(v1);
        assertThat(scrape()).containsExactly("core_up{} 1.0", "plugin_value{version=\"v2\"} 2.0");
    }

    @Test
    void aScrapeBetweenTheOldVersionsStopAndTheNewOnesStartSeesTheLastValuesThenOnlyTheNewVersion() throws Exception {
        Collector v1 = new Version("v1").newCollector(1);
        collectors.add(CORE);
        collectors.add(v1);
        assertThat(scrape()).contains("plugin_value{version=\"v1\"} 1.0");
        ((DoubleConsumer) v1).accept(7); // changes after the last scrape are not seen: the last rendering is held
        assertThat(scrape()).contains("plugin_value{version=\"v1\"} 7.0");

        collectors.remove(v1); // the launcher stopped the old version
        advance(Duration.ofSeconds(2));
        assertThat(scrape()).containsExactly("core_up{} 1.0", "plugin_value{version=\"v1\"} 7.0");

        collectors.add(new Version("v2").newCollector(8)); // the new version started
        assertThat(scrape()).containsExactly("core_up{} 1.0", "plugin_value{version=\"v2\"} 8.0");
        advance(GRACE.multipliedBy(2));
        assertThat(scrape()).containsExactly("core_up{} 1.0", "plugin_value{version=\"v2\"} 8.0");
    }

    @Test
    void aReplacementThatNeverStartsLeavesTheHeldSeriesAfterTheGracePeriod() throws Exception {
        Collector v1 = new Version("v1").newCollector(1);
        collectors.add(CORE);
        collectors.add(v1);
        scrape();
        collectors.remove(v1); // a new version was installed beside it, but never starts

        advance(GRACE.minusMillis(1));
        assertThat(scrape()).containsExactly("core_up{} 1.0", "plugin_value{version=\"v1\"} 1.0");
        advance(Duration.ofMillis(1));
        assertThat(scrape()).containsExactly("core_up{} 1.0");
        assertThat(scrape()).containsExactly("core_up{} 1.0");
    }

    @Test
    void aPluginStoppedOrRemovedWithNoNewVersionBesideItIsGoneAtOnce() throws Exception {
        Collector v1 = new Version("v1").newCollector(1);
        collectors.add(CORE);
        collectors.add(v1);
        scrape();
        replacing = false;
        collectors.remove(v1); // stopped from the console, or its jar deleted

        assertThat(scrape()).containsExactly("core_up{} 1.0");
    }

    @Test
    void aCollectorNeverScrapedLeavesNothingBehind() throws Exception {
        Collector v1 = new Version("v1").newCollector(1);
        collectors.add(v1);
        collectors.remove(v1);
        assertThat(scrape()).isEmpty();
    }

    @Test
    void aCollectionThatThrowsIsNotHeldInPlaceOfTheLastCompleteOne() throws Exception {
        Collector v1 = new Version("v1").newCollector(1);
        collectors.add(v1);
        scrape();
        ((DoubleConsumer) v1).accept(-1); // its next collection throws half-way
        org.assertj.core.api.Assertions.assertThatThrownBy(this::scrape).isInstanceOf(IllegalStateException.class);
        collectors.remove(v1);
        assertThat(scrape()).containsExactly("plugin_value{version=\"v1\"} 1.0");
    }

    @Test
    void allInstancesOfAVersionThatWentAreHeldAndReplacedTogether() throws Exception {
        Version version1 = new Version("v1");
        Collector a = version1.newCollector(1);
        Collector b = version1.newCollector(2);
        collectors.add(a);
        collectors.add(b);
        assertThat(scrape()).containsExactly("plugin_value{version=\"v1\"} 1.0", "plugin_value{version=\"v1\"} 2.0");
        collectors.remove(a);
        assertThat(scrape()).containsExactly("plugin_value{version=\"v1\"} 2.0");
        collectors.remove(b);
        assertThat(scrape()).containsExactlyInAnyOrder("plugin_value{version=\"v1\"} 1.0", "plugin_value{version=\"v1\"} 2.0");

        collectors.add(new Version("v2").newCollector(3));
        assertThat(scrape()).containsExactly("plugin_value{version=\"v2\"} 3.0");
    }

    @Test
    void severalInstancesOfOneVersionAreAllCollected() {
        Collector a = new PluginCollector();
        Collector b = new PluginCollector();
        collectors.add(a);
        collectors.add(b);
        assertThat(collectors.snapshot()).isEqualTo(List.of(a, b));
    }

    @Test
    void oneCollectorBoundTwiceIsCollectedOnceUntilBothBindingsGo() {
        Collector a = new PluginCollector();
        collectors.add(a);
        collectors.add(a);
        assertThat(collectors.snapshot()).hasSize(1);
        collectors.remove(a);
        assertThat(collectors.snapshot()).hasSize(1);
        collectors.remove(a);
        assertThat(collectors.snapshot()).isEmpty();
    }

    @Test
    void anOlderVersionLeftAloneIsCollectedAgainWhenTheNewOneGoesAndNothingOfTheNewOneIsHeld() throws Exception {
        Collector v1 = new Version("v1").newCollector(1);
        Collector v2 = new Version("v2").newCollector(2);
        collectors.add(v1);
        collectors.add(v2);
        scrape();
        collectors.remove(v2); // the update failed and was rolled back
        assertThat(scrape()).containsExactly("plugin_value{version=\"v1\"} 1.0");
    }
}
