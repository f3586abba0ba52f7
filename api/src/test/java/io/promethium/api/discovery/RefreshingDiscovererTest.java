package io.promethium.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.api.testing.TestPluginContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RefreshingDiscoverer} keeps the discovery contract over a refresh function reading a
 * world held in memory, and handles failures as Prometheus's refresh package does.
 */
class RefreshingDiscovererTest extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;
    /** The peer: targets by source. */
    private final Map<String, List<String>> world = new ConcurrentHashMap<>();
    /** When set, the next refreshes fail with it. */
    private volatile IOException failure;

    private List<TargetGroup> refresh() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw e;
        }
        List<TargetGroup> groups = new ArrayList<>();
        world.forEach((source, targets) -> groups.add(new TargetGroup(source,
                targets.stream().map(t -> Labels.of("__address__", t)).toList(), Labels.EMPTY)));
        return groups;
    }

    private RefreshingDiscoverer discoverer(TestPluginContext context) {
        MetricsRegistrar.Counter failures = context.metrics().counter("test_sd_refresh_failures_total", "Failed refreshes.");
        return new RefreshingDiscoverer("Test SD", Duration.ofMillis(50), context.threads(),
                new DiscoveryFailures("Test SD: ", context.logger(), failures), this::refresh);
    }

    @Override
    protected TestPluginContext newContext() {
        world.put("web", List.of("web1:80"));
        world.put("db", List.of("db1:5432"));
        return new TestPluginContext(dir, "contract");
    }

    @Override
    protected Discoverer create(TestPluginContext context) {
        return discoverer(context);
    }

    @Override
    protected void changeTargets() {
        world.put("web", List.of("web1:80", "web2:80"));
    }

    @Override
    protected void removeSource() {
        world.remove("db");
    }

    @Override
    protected boolean breakPeer() {
        failure = new IOException("peer down");
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("test_sd_refresh_failures_total");
    }

    @Test
    void aFailedRefreshKeepsTheTargetsIsCountedAndLoggedOncePerChange() throws Exception {
        TestPluginContext context = newContext();
        List<String> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (logged) {
                    logged.add(record.getLevel() + " " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = context.logger(); // held: the log manager keeps loggers only weakly
        log.addHandler(handler);
        BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
        try (RefreshingDiscoverer discoverer = discoverer(context)) {
            discoverer.start(updates::add);
            assertThat(updates.poll(5, TimeUnit.SECONDS)).extracting(TargetGroup::source).containsExactlyInAnyOrder("web", "db");
            failure = new IOException("peer down");
            awaitCount(context, 1);
            world.clear(); // every refresh from now on fails: the change shows once the peer answers again
            awaitCount(context, 3);
            failure = new IOException("peer gone");
            awaitCount(context, 6);
            assertThat(updates).as("nothing sent while failing: the last targets stay").isEmpty();
            failure = null;
            assertThat(updates.poll(5, TimeUnit.SECONDS)).as("sources gone once the peer answers").hasSize(2)
                    .allMatch(group -> group.targets().isEmpty());
        } finally {
            log.removeHandler(handler);
        }
        synchronized (logged) {
            assertThat(logged).containsExactly(
                    "WARNING Test SD: refresh failed, keeping the last targets, retrying every PT0.05S: peer down",
                    "WARNING Test SD: refresh failed, keeping the last targets, retrying every PT0.05S: peer gone",
                    "INFO Test SD: refresh succeeds again");
        }
    }

    private static void awaitCount(TestPluginContext context, int failures) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (context.metrics().value("test_sd_refresh_failures_total") < failures) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + failures + " failures counted");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aFirstRefreshThatFailsSendsAnEmptyInitialUpdate() throws Exception {
        TestPluginContext context = newContext();
        failure = new IOException("not yet");
        BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
        try (RefreshingDiscoverer discoverer = discoverer(context)) {
            discoverer.start(updates::add);
            assertThat(updates.poll(5, TimeUnit.SECONDS)).isEmpty();
            failure = null;
            assertThat(updates.poll(5, TimeUnit.SECONDS)).extracting(TargetGroup::source).containsExactlyInAnyOrder("web", "db");
        }
    }
}
