package io.promethium.config.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.config.lifecycle.PluginTrackerTest.Factory;
import io.promethium.config.plugin.PluginMetricsRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A plugin that hangs or throws in a factory call fails its own part only, counted and explained. */
class PluginIsolationTest {

    private final PluginMetricsRegistry registry = new PluginMetricsRegistry();
    private final PluginTracker<Factory> tracker = new PluginTracker<>("discovery", "_sd_configs", Factory::type, Duration.ofMillis(300),
            registry, Duration.ofMillis(200));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        tracker.close();
    }

    private double failures(String plugin) {
        return registry.counter(PluginTracker.FAILURES_METRIC, "", "plugin", "kind").value(plugin, "discovery");
    }

    /** Builds a part by hanging until released (as a plugin stuck on a network call), then yields one. */
    private final class Hanging implements PluginBuilder<Factory, String> {
        final AtomicBoolean interrupted = new AtomicBoolean();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public String build(Factory service) throws Exception {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                release.await(); // a plugin that ignores the interrupt
            }
            return "late part";
        }

        @Override
        public void close(String built, Closing why) {
            closed.incrementAndGet();
        }
    }

    private static final class Simple implements PluginBuilder<Factory, String> {
        @Override
        public String build(Factory service) {
            return "part of " + service.type();
        }

        @Override
        public void close(String built, Closing why) {
        }
    }

    @Test
    void aFactoryThatHangsIsGivenUpOnAfterTheTimeLimitAndTheOtherPluginsGoOn() throws Exception {
        tracker.add(new Factory("stuck", 1));
        tracker.add(new Factory("file", 1));
        Hanging hanging = new Hanging();

        long start = System.nanoTime();
        PluginUse<Factory, String> stuck = tracker.use("stuck", "scrape job \"a\"", hanging);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        PluginUse<Factory, String> file = tracker.use("file", "scrape job \"b\"", new Simple());

        assertThat(tookMillis).as("the caller waited only the time limit").isLessThan(5_000);
        assertThat(stuck.get()).isNull();
        assertThat(stuck.error()).contains("did not finish building scrape job \"a\" within 200ms");
        assertThat(hanging.interrupted).isTrue();
        assertThat(file.get()).isEqualTo("part of file");
        assertThat(failures("stuck")).isEqualTo(1);
        assertThat(tracker.failures()).containsOnlyKeys("stuck");
        assertThat(tracker.failures().get("stuck").message()).contains("within 200ms");

        // The hung call finishing later yields nothing the server keeps: its part is closed at once.
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hanging.closed.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(hanging.closed).hasValue(1);
        assertThat(stuck.get()).isNull();
    }

    @Test
    void aFactoryThatThrowsIsCountedWithItsLastErrorAndTheNextVersionBuildsAgain() {
        tracker.add(new Factory("cmdb", 1));
        PluginBuilder<Factory, String> builder = new PluginBuilder<>() {
            @Override
            public String build(Factory service) {
                if (service.version() == 1) {
                    throw new IllegalStateException("cmdb v1 cannot parse its block");
                }
                return "v" + service.version();
            }

            @Override
            public void close(String built, Closing why) {
            }
        };
        PluginUse<Factory, String> use = tracker.use("cmdb", "scrape job \"c\"", builder);
        assertThat(use.get()).isNull();
        assertThat(use.error()).isEqualTo("cmdb v1 cannot parse its block");
        assertThat(failures("cmdb")).isEqualTo(1);
        assertThat(tracker.failures().get("cmdb").count()).isEqualTo(1);

        tracker.add(new Factory("cmdb", 2));
        assertThat(use.get()).isEqualTo("v2");
        assertThat(use.error()).isEmpty();
        assertThat(tracker.failures().get("cmdb").message()).as("the last error stays for the console")
                .contains("cannot parse its block");
    }

    @Test
    void aPluginThrowingAnErrorInItsFactoryDoesNotReachTheCaller() {
        tracker.add(new Factory("broken", 1));
        PluginUse<Factory, String> use = tracker.use("broken", "receiver \"r\"", new PluginBuilder<>() {
            @Override
            public String build(Factory service) {
                throw new NoClassDefFoundError("com/example/Gone");
            }

            @Override
            public void close(String built, Closing why) {
            }
        });
        assertThat(use.get()).isNull();
        assertThat(use.error()).contains("com/example/Gone");
        assertThat(failures("broken")).isEqualTo(1);
    }

    @Test
    void aCloseThatHangsIsGivenUpOnAndTheReplacementIsBuilt() {
        tracker.add(new Factory("cmdb", 1));
        PluginUse<Factory, String> use = tracker.use("cmdb", "scrape job \"d\"", new PluginBuilder<>() {
            @Override
            public String build(Factory service) {
                return "v" + service.version();
            }

            @Override
            public void close(String built, Closing why) {
                if (built.equals("v1")) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        tracker.add(new Factory("cmdb", 2));
        assertThat(use.get()).isEqualTo("v2");
        assertThat(tracker.failures().get("cmdb").message()).contains("closing scrape job \"d\"");
    }

    @Test
    void theConfigBundlesStatesShowEveryTrackersWaitingPartsAndLastFailures() {
        io.promethium.config.plugin.internal.PluginServicesComponent registrar = new io.promethium.config.plugin.internal.PluginServicesComponent();
        PluginStates services = new io.promethium.config.internal.PluginStatesComponent(registrar);
        try (PluginTracker<Factory> discovery = new PluginTracker<>("discovery", "_sd_configs", Factory::type, Duration.ofMillis(300),
                registrar, Duration.ofMillis(200));
             PluginTracker<Factory> notifiers = new PluginTracker<>("notifier", "_configs", Factory::type, Duration.ofMillis(300),
                     registrar, Duration.ofMillis(200))) {
            discovery.use("cmdb", "scrape job \"a\"", new Simple());
            notifiers.add(new Factory("teams", 1));
            notifiers.use("teams", "receiver \"r\"", new PluginBuilder<Factory, String>() {
                @Override
                public String build(Factory service) {
                    throw new IllegalArgumentException("teams: webhook_url missing");
                }

                @Override
                public void close(String built, Closing why) {
                }
            });

            assertThat(services.waiting()).containsExactly(new PluginStates.Waiting("discovery", "cmdb_sd_configs", 1));
            assertThat(services.failures()).singleElement().satisfies(f -> {
                assertThat(f.key()).isEqualTo("teams_configs");
                assertThat(f.kind()).isEqualTo("notifier");
                assertThat(f.message()).contains("webhook_url missing");
            });
        }
        assertThat(services.waiting()).as("closed trackers leave").isEmpty();
    }
}
