package io.promethium.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.HttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Runs one discoverer in a test as the kernel would: builds it from a config block (at
 * {@link #LOCATION}), starts it, and merges its updates by source (a later group replaces the
 * one with the same source); captures the warnings it logs. The waits take what has arrived and
 * fail after {@link #timeout()} naming what they waited for and what they have.
 *
 * <pre>{@code
 * try (DiscoveryHarness harness = new DiscoveryHarness(dir, "job", new KernelHttpClientFactory())) {
 *     harness.start(new MycorpDiscovererFactory(), Map.of("server", url));
 *     harness.await(groups -> groups.size() == 2);
 * }
 * }</pre>
 *
 * Updates are read by the test's thread only (the waits and {@link #noUpdates()}); not
 * thread-safe beyond that.
 */
public final class DiscoveryHarness implements AutoCloseable {

    /** Where the config blocks built here say they come from, as errors quote it. */
    public static final String LOCATION = "prometheus.yml:3:7";

    private final TestPluginContext context;
    private final Duration timeout;
    private final BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
    private final Map<String, TargetGroup> groups = new LinkedHashMap<>();
    private final Set<String> hadTargets = new LinkedHashSet<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
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
    private TargetGroup last;
    private Discoverer discoverer;
    private boolean closed;
    /** When the running wait gives up. */
    private long deadline;

    /**
     * A harness for a new {@link TestPluginContext} of owner {@code job} in {@code dir}, with the
     * given HTTP client factory (a plugin's tests pass a sending one, the server's
     * {@code KernelHttpClientFactory} in this repository; the api has none that sends).
     */
    public DiscoveryHarness(Path dir, String job, HttpClientFactory httpClients) {
        this(new TestPluginContext(dir, job, httpClients), Duration.ofSeconds(15));
    }

    /** A harness around {@code context}; waits fail after {@code timeout}. */
    public DiscoveryHarness(TestPluginContext context, Duration timeout) {
        this.context = Objects.requireNonNull(context, "context is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        context.logger().addHandler(handler);
    }

    /** The context the discoverer gets: its metrics, threads, logger. */
    public TestPluginContext context() {
        return context;
    }

    /** How long a wait may take. */
    public Duration timeout() {
        return timeout;
    }

    /** Builds a discoverer of {@code factory} from {@code block} under {@code <type>_sd_configs} and starts it. */
    public Discoverer start(DiscovererFactory factory, Map<String, Object> block) throws ConfigException {
        return start(factory, factory.type() + "_sd_configs", block);
    }

    /** Builds a discoverer of {@code factory} from {@code block} under {@code key} and starts it. */
    public Discoverer start(DiscovererFactory factory, String key, Map<String, Object> block) throws ConfigException {
        return start(factory.create(config(key, block), context));
    }

    /**
     * Starts {@code discoverer} (built by the test), sending its updates here; closed by
     * {@link #close()}. One runs at a time: a test that starts another first calls
     * {@link #closeDiscoverer()} (the groups received so far stay).
     */
    public Discoverer start(Discoverer discoverer) {
        if (this.discoverer != null && !closed) {
            throw new IllegalStateException("this harness runs one discoverer at a time; it runs " + this.discoverer);
        }
        this.discoverer = Objects.requireNonNull(discoverer, "discoverer is null");
        closed = false;
        discoverer.start(updates::add);
        return discoverer;
    }

    /** The block as the kernel passes it, located at {@link #LOCATION}. */
    public static PluginConfig config(String key, Map<String, Object> block) {
        return new PluginConfig(key, block, LOCATION);
    }

    /** The discoverer started here, or null. */
    public Discoverer discoverer() {
        return discoverer;
    }

    /** The groups received so far, by source (the latest of each); live, read it from the test's thread. */
    public Map<String, TargetGroup> groups() {
        return groups;
    }

    /** The last group received (of the last update read), or null. */
    public TargetGroup last() {
        return last;
    }

    /** The sources that were reported with targets at some point. */
    public Set<String> sourcesThatHadTargets() {
        return hadTargets;
    }

    /** The messages logged at WARNING or above, in order. */
    public List<String> warnings() {
        return warnings;
    }

    /** Whether no update is waiting to be read. */
    public boolean noUpdates() {
        return updates.isEmpty();
    }

    /** Drops the updates not read yet; returns how many there were. */
    public int discardUpdates() {
        int n = updates.size();
        updates.clear();
        return n;
    }

    /** Waits for the next update, up to {@code wait}; null when none came. Merges it into {@link #groups()}. */
    public List<TargetGroup> nextUpdate(Duration wait) throws InterruptedException {
        List<TargetGroup> update = updates.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (update != null) {
            merge(update);
        }
        return update;
    }

    private void merge(List<TargetGroup> update) {
        for (TargetGroup group : update) {
            groups.put(group.source(), group);
            if (!group.targets().isEmpty()) {
                hadTargets.add(group.source());
            }
            last = group;
        }
    }

    private void take(String what) throws InterruptedException {
        long left = deadline - System.nanoTime();
        List<TargetGroup> update = left <= 0 ? null : updates.poll(left, TimeUnit.NANOSECONDS);
        assertThat(update).as("an update with " + what + " within " + timeout + "; have " + groups).isNotNull();
        merge(update);
    }

    private void arm() {
        deadline = System.nanoTime() + timeout.toNanos();
    }

    /** Takes updates until the merged groups pass {@code check}; returns them. */
    public Map<String, TargetGroup> await(Predicate<Map<String, TargetGroup>> check) throws InterruptedException {
        return await("the expected groups", check);
    }

    /** As {@link #await(Predicate)}, saying {@code what} it waits for when it fails. */
    public Map<String, TargetGroup> await(String what, Predicate<Map<String, TargetGroup>> check) throws InterruptedException {
        arm();
        while (!check.test(groups)) {
            take(what);
        }
        return groups;
    }

    /** Takes updates until the group of {@code source} passes {@code check}; returns it. */
    public TargetGroup awaitSource(String source, Predicate<TargetGroup> check) throws InterruptedException {
        arm();
        while (groups.get(source) == null || !check.test(groups.get(source))) {
            take("a group for " + source);
        }
        return groups.get(source);
    }

    /**
     * Takes updates until the last group received passes {@code check}; returns it. For a
     * discoverer that reports one source.
     */
    public TargetGroup awaitLast(Predicate<TargetGroup> check) throws InterruptedException {
        arm();
        while (last == null || !check.test(last)) {
            take("a group passing the check (last: " + last + ")");
        }
        return last;
    }

    /**
     * Takes updates until none has come for {@code quiet} (the discoverer has said what it knows
     * for now), up to {@link #timeout()}; returns the merged groups. For a test that must not act
     * while the initial groups still arrive one by one.
     */
    public Map<String, TargetGroup> awaitQuiet(Duration quiet) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end && nextUpdate(quiet) != null) {
            // merged into groups()
        }
        return groups;
    }

    /** Waits until a warning containing every one of {@code parts} was logged; returns it. */
    public String awaitWarning(String... parts) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String warning : warnings) {
                if (Arrays.stream(parts).allMatch(warning::contains)) {
                    return warning;
                }
            }
            assertThat(System.nanoTime()).as("a warning with " + String.join(", ", parts) + " logged; got " + warnings)
                    .isLessThan(end);
            Thread.sleep(20);
        }
    }

    /** Waits until the metric {@code name} (with {@code labelValues}) is at least {@code atLeast}. */
    public void awaitMetric(String name, double atLeast, String... labelValues) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (context.metrics().value(name, labelValues) < atLeast) {
            assertThat(System.nanoTime()).as(name + Arrays.toString(labelValues) + " at least " + atLeast
                    + "; is " + context.metrics().value(name, labelValues)).isLessThan(end);
            Thread.sleep(20);
        }
    }

    /**
     * A text resource of the test class path under {@code /prometheus-fixtures/} (the fixtures a
     * Prometheus discovery package tests with, copied next to the plugin's tests).
     */
    public static String fixture(String name) throws IOException {
        try (InputStream in = DiscoveryHarness.class.getResourceAsStream("/prometheus-fixtures/" + name)) {
            assertThat(in).as("test resource /prometheus-fixtures/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Closes the discoverer now (a test that checks what closing does), once: {@link #close()}
     * will not close it again, as {@link Discoverer} promises one close.
     */
    public void closeDiscoverer() {
        if (discoverer != null && !closed) {
            closed = true;
            discoverer.close();
        }
    }

    /** Closes the discoverer (if one was started and is not closed yet) and stops capturing warnings. */
    @Override
    public void close() {
        context.logger().removeHandler(handler);
        closeDiscoverer();
    }
}
