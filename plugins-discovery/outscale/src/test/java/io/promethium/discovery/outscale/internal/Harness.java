package io.promethium.discovery.outscale.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.config.http.KernelHttpClientFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** Runs one discoverer in a test: its updates merged by source, its warnings, its metrics. */
final class Harness implements AutoCloseable {

    final TestPluginContext context;
    private final BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
    final Map<String, TargetGroup> groups = new LinkedHashMap<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();
    private Discoverer discoverer;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    Harness(Path dir, String job) {
        context = new TestPluginContext(dir, job, new KernelHttpClientFactory());
        context.logger().addHandler(handler);
    }

    void start(DiscovererFactory factory, String key, Map<String, Object> block) throws ConfigException {
        discoverer = factory.create(new PluginConfig(key, block, "prometheus.yml:3:7"), context);
        discoverer.start(updates::add);
    }

    /** Waits until the merged groups pass the check. */
    Map<String, TargetGroup> await(Predicate<Map<String, TargetGroup>> check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!check.test(groups)) {
            long left = deadline - System.nanoTime();
            List<TargetGroup> update = left <= 0 ? null : updates.poll(left, TimeUnit.NANOSECONDS);
            assertThat(update).as("an update; have " + groups).isNotNull();
            for (TargetGroup g : update) {
                groups.put(g.source(), g);
            }
        }
        return groups;
    }

    void awaitWarning(String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (warnings.stream().noneMatch(w -> w.contains(part))) {
            assertThat(System.nanoTime()).as("warning with " + part + " logged, got " + warnings).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    boolean noUpdates() {
        return updates.isEmpty();
    }

    static String fixture(String name) throws Exception {
        try (InputStream in = Harness.class.getResourceAsStream("/prometheus-fixtures/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        context.logger().removeHandler(handler);
        if (discoverer != null) {
            discoverer.close();
        }
    }
}
