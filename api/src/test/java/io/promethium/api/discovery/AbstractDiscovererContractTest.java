package io.promethium.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.ConfigContract;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Discoverer} passes, as Lucene's base test cases work: a plugin's
 * test extends this class and says how to build its discoverer against a world it controls
 * (files, a DNS server, a Consul API) and how to change that world. The contract, from
 * {@link Discoverer} and {@link DiscovererFactory}:
 * <ul>
 * <li>the initial groups arrive (every target with an {@code __address__}), a change arrives as
 *     an update, a source that vanished is sent as an empty group with its source;</li>
 * <li>{@code close()} returns promptly, nothing is sent after it, and no thread the discoverer
 *     started outlives it;</li>
 * <li>with {@link #breakPeer()}: a peer that fails keeps the last targets (no update empties
 *     them) and a warning is logged;</li>
 * <li>with {@link #factory()} and {@link #block()}: the factory's {@code type()} is a valid
 *     name, the block validates (both {@code validate} forms), an unknown key is refused
 *     naming the key and its {@code file:line:col}, and the {@link #badValue()} is refused with
 *     a {@link ConfigException} whose {@code field()} and {@code location()} name it (the one
 *     validation shape, {@link ConfigContract}); every {@code secretFields()} path starts at a
 *     key the block accepts;</li>
 * <li>the metrics it registers have valid names, and those of {@link #metricNames()} are
 *     registered once it has sent its first update.</li>
 * </ul>
 * A check whose hook the test does not implement is skipped (reported as aborted, not passed).
 *
 * <p>{@link #newContext()} starts the world (at least one source with targets); threads it starts
 * are the fixture's, not the discoverer's. Tests run one at a time. The discoverer runs in a
 * {@link DiscoveryHarness}, which merges its updates by source.
 */
public abstract class AbstractDiscovererContractTest {

    /** Where the unknown key of the validation check is said to be written. */
    static final String UNKNOWN_KEY_AT = "prometheus.yml:9:11";
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private DiscoveryHarness harness;
    private TestPluginContext context;

    /** The context the discoverer gets (give it a sending HTTP client factory when the plugin speaks HTTP). */
    protected abstract TestPluginContext newContext() throws Exception;

    /**
     * A discoverer of the plugin under test, not started, watching a world that has at least one
     * source with targets, built as the kernel does: by default {@link #factory()} creates it from
     * {@link #block()} under {@code <type>_sd_configs}. Override when the factory needs more.
     */
    protected Discoverer create(TestPluginContext context) throws Exception {
        DiscovererFactory factory = factory();
        Map<String, Object> block = block();
        if (factory == null || block == null) {
            throw new IllegalStateException(getClass().getName() + " overrides neither create() nor factory() and block()");
        }
        return factory.create(DiscoveryHarness.config(factory.type() + "_sd_configs", block), context);
    }

    /** Changes the targets of an existing source (adds a target, changes a label). */
    protected abstract void changeTargets() throws Exception;

    /** Removes a source the discoverer reported with targets, entirely (a file deleted, a name gone). */
    protected abstract void removeSource() throws Exception;

    /** The factory under test, for {@link #create} and the config checks; null (the default) skips the checks. */
    protected DiscovererFactory factory() {
        return null;
    }

    /** A valid config block for {@link #factory()} that watches the world of {@link #newContext()}; called after it. */
    protected Map<String, Object> block() throws Exception {
        return null;
    }

    /**
     * One invalid value of {@link #block()} (a duration that does not parse, a negative port, a
     * role that does not exist), which {@code validate} must refuse naming the field and where it
     * is written. A test that gives {@link #block()} must give one; checked without network.
     */
    protected BadValue badValue() {
        return null;
    }

    /**
     * Makes the peer fail from now on (answer 500, stop answering, refuse connections), for the
     * failure check; returns whether it did. The default cannot, which skips that check.
     */
    protected boolean breakPeer() throws Exception {
        return false;
    }

    /** Metrics the discoverer registers by the time it sent its first update ({@code prometheus_sd_*}). */
    protected Set<String> metricNames() {
        return Set.of();
    }

    /** How long an update may take after a change (covers refresh intervals the test configured). */
    protected Duration updateTimeout() {
        return Duration.ofSeconds(20);
    }

    @AfterEach
    final void closeDiscoverer() {
        if (harness != null) {
            harness.close();
        }
    }

    private void start() throws Exception {
        context = newContext();
        startDiscoverer();
    }

    private void startDiscoverer() throws Exception {
        harness = new DiscoveryHarness(context, updateTimeout());
        harness.start(create(context));
    }

    private static boolean hasTargets(Map<String, TargetGroup> groups) {
        for (TargetGroup group : groups.values()) {
            if (!group.targets().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void awaitTargets() throws InterruptedException {
        harness.await("the initial targets", AbstractDiscovererContractTest::hasTargets);
    }

    @Test
    void sendsTheInitialGroupsWithTheirTargets() throws Exception {
        start();
        assertThat(harness.nextUpdate(updateTimeout())).as("the initial update within " + updateTimeout()).isNotNull();
        awaitTargets();
        for (TargetGroup group : harness.groups().values()) {
            for (var target : group.targets()) {
                assertThat(target.get("__address__")).as("every target has an __address__: " + target).isNotEmpty();
            }
        }
    }

    @Test
    void sendsAnUpdateWhenTargetsChange() throws Exception {
        start();
        awaitTargets();
        Map<String, TargetGroup> before = new LinkedHashMap<>(harness.groups());
        changeTargets();
        harness.await("the changed targets", groups -> !groups.equals(before));
    }

    @Test
    void sendsAnEmptyGroupForASourceThatVanished() throws Exception {
        start();
        awaitTargets();
        // The source to remove may not have had its targets yet (sent empty first, filled later).
        harness.awaitQuiet(Duration.ofSeconds(1));
        removeSource();
        harness.await("an empty group for a vanished source", groups -> {
            for (String source : harness.sourcesThatHadTargets()) {
                TargetGroup group = groups.get(source);
                if (group != null && group.targets().isEmpty()) {
                    return true;
                }
            }
            return false;
        });
    }

    @Test
    void closeStopsUpdatesPromptlyAndLeavesNoThreadBehind() throws Exception {
        // The fixture (started by newContext) may run threads of its own; only later ones count.
        context = newContext();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        startDiscoverer();
        awaitTargets();
        long started = System.nanoTime();
        harness.closeDiscoverer();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("close() returns promptly").isLessThan(Duration.ofSeconds(10));
        harness.discardUpdates();
        changeTargets();
        removeSource();
        assertThat(harness.nextUpdate(Duration.ofSeconds(2))).as("no update after close()").isNull();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Thread> left;
        do {
            left = new ArrayList<>(context.liveThreads());
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(thread) && thread.isAlive() && !isFixtureThread(thread)) {
                    left.add(thread);
                }
            }
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("threads still running 10 s after close()").isEmpty();
    }

    @Test
    void aFailingPeerKeepsTheLastTargetsAndLogsAWarning() throws Exception {
        start();
        awaitTargets();
        Assumptions.assumeTrue(breakPeer(), "the fixture cannot make its peer fail (breakPeer)");
        harness.awaitWarning();
        // Whatever was sent meanwhile, and within a little while after the warning, keeps targets.
        harness.awaitQuiet(Duration.ofMillis(500));
        assertThat(hasTargets(harness.groups())).as("the last targets stay while the peer fails: " + harness.groups()).isTrue();
    }

    /** Starts the world and gives {@link #block()}; skips the check when the test gives no factory and block. */
    private Map<String, Object> blockToValidate() throws Exception {
        context = newContext();
        Map<String, Object> block = factory() == null ? null : block();
        Assumptions.assumeTrue(block != null, "the test gives no factory() and block()");
        return block;
    }

    @Test
    void theFactoryValidatesItsBlockAndRefusesAnUnknownKeyNamingWhereItIs() throws Exception {
        Map<String, Object> block = blockToValidate();
        DiscovererFactory factory = factory();
        assertThat(factory.type()).as("the type names <type>_sd_configs").matches(TYPE);
        String key = factory.type() + "_sd_configs";
        PluginConfig good = DiscoveryHarness.config(key, block);
        factory.validate(good);
        factory.validate(good, context);
        ConfigContract.refusesUnknownKey(key, block, factory::validate);
        ConfigContract.refusesUnknownKey(key, block, config -> factory.validate(config, context));
        for (String secret : factory.secretFields()) {
            String first = secret.split("\\.", 2)[0];
            Map<String, Object> with = new LinkedHashMap<>(block);
            with.putIfAbsent(first, null);
            PluginConfig config = new PluginConfig(key, with, DiscoveryHarness.LOCATION, Map.of(first, UNKNOWN_KEY_AT));
            try {
                factory.validate(config);
            } catch (ConfigException e) {
                assertThat(e.getMessage()).as("secret field " + secret + " is a field of the block").doesNotContain("not found");
            }
        }
    }

    @Test
    void aBadValueIsRefusedNamingItsFieldAndWhereItIs() throws Exception {
        Map<String, Object> block = blockToValidate();
        DiscovererFactory factory = factory();
        BadValue bad = badValue();
        assertThat(bad).as(getClass().getSimpleName() + " gives block() and so must give badValue()").isNotNull();
        String key = factory.type() + "_sd_configs";
        ConfigContract.refusesBadValue(key, block, bad, factory::validate);
        ConfigContract.refusesBadValue(key, block, bad, config -> factory.validate(config, context));
    }

    @Test
    void registersItsMetricsWithValidNamesByTheFirstUpdate() throws Exception {
        start();
        assertThat(harness.nextUpdate(updateTimeout())).as("the initial update within " + updateTimeout()).isNotNull();
        Map<String, String> registered = context.metrics().registered();
        for (String name : registered.keySet()) {
            assertThat(name).as("a metric name").matches(METRIC);
        }
        assertThat(registered.keySet()).as("the metrics registered by the first update").containsAll(metricNames());
    }

    /**
     * Whether a thread that appeared while the discoverer ran belongs to the test's fixture (a
     * server the test runs) or the JVM rather than to the discoverer. Override to add the
     * fixture's threads.
     */
    protected boolean isFixtureThread(Thread thread) {
        String name = thread.getName();
        return name.startsWith("Common-Cleaner") || name.startsWith("process reaper") || name.startsWith("Attach Listener")
                || name.startsWith("ForkJoinPool") || name.startsWith("surefire") || name.startsWith("junit");
    }
}
