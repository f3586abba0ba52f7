package io.promethium.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.TestPluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Discoverer} passes, as Lucene's base test cases work: a plugin's
 * test extends this class and says how to build its discoverer against a world it controls
 * (files, a DNS server, a Consul API) and how to change that world. The contract: the
 * initial groups arrive, a change arrives as an update, a source that vanished is sent as an
 * empty group with its source, {@code close()} returns promptly, nothing is sent after it, and
 * no thread the discoverer started outlives it.
 *
 * <p>{@link #newContext()} starts the world (at least one source with targets); threads it starts
 * are the fixture's, not the discoverer's. Tests run one at a time.
 */
public abstract class AbstractDiscovererContractTest {

    private final BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
    /** Every group by source, as the kernel would hold them. */
    private final Map<String, TargetGroup> state = new LinkedHashMap<>();
    /** Sources that were reported with targets at some point (groups may arrive one by one). */
    private final Set<String> hadTargets = new HashSet<>();
    private Discoverer discoverer;
    private TestPluginContext context;

    /** The context the discoverer gets (give it the kernel's HTTP client factory when the plugin speaks HTTP). */
    protected abstract TestPluginContext newContext() throws Exception;

    /**
     * A discoverer of the plugin under test, not started, watching a world that has at least one
     * source with targets. Build its config block and call the factory, as the kernel does.
     */
    protected abstract Discoverer create(TestPluginContext context) throws Exception;

    /** Changes the targets of an existing source (adds a target, changes a label). */
    protected abstract void changeTargets() throws Exception;

    /** Removes a source the discoverer reported with targets, entirely (a file deleted, a name gone). */
    protected abstract void removeSource() throws Exception;

    /** How long an update may take after a change (covers refresh intervals the test configured). */
    protected Duration updateTimeout() {
        return Duration.ofSeconds(20);
    }

    @AfterEach
    final void closeDiscoverer() {
        if (discoverer != null) {
            discoverer.close();
        }
    }

    private void start() throws Exception {
        context = newContext();
        startDiscoverer();
    }

    private void startDiscoverer() throws Exception {
        discoverer = create(context);
        discoverer.start(updates::add);
    }

    /** Takes updates into {@link #state} until {@code done} holds; fails after the timeout. */
    private void awaitState(String what, Predicate<Map<String, TargetGroup>> done) throws InterruptedException {
        long deadline = System.nanoTime() + updateTimeout().toNanos();
        while (!done.test(state)) {
            long left = deadline - System.nanoTime();
            List<TargetGroup> update = left <= 0 ? null : updates.poll(left, TimeUnit.NANOSECONDS);
            assertThat(update).as("an update with " + what + " within " + updateTimeout() + "; groups so far: " + state).isNotNull();
            for (TargetGroup group : update) {
                state.put(group.source(), group);
                if (!group.targets().isEmpty()) {
                    hadTargets.add(group.source());
                }
            }
        }
    }

    private static boolean hasTargets(Map<String, TargetGroup> groups) {
        for (TargetGroup group : groups.values()) {
            if (!group.targets().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sendsTheInitialGroupsWithTheirTargets() throws Exception {
        start();
        List<TargetGroup> first = updates.poll(updateTimeout().toMillis(), TimeUnit.MILLISECONDS);
        assertThat(first).as("the initial update").isNotNull();
        for (TargetGroup group : first) {
            state.put(group.source(), group);
        }
        awaitState("the initial targets", AbstractDiscovererContractTest::hasTargets);
        for (TargetGroup group : state.values()) {
            for (var target : group.targets()) {
                assertThat(target.get("__address__")).as("every target has an __address__: " + target).isNotEmpty();
            }
        }
    }

    @Test
    void sendsAnUpdateWhenTargetsChange() throws Exception {
        start();
        awaitState("the initial targets", AbstractDiscovererContractTest::hasTargets);
        Map<String, TargetGroup> before = new LinkedHashMap<>(state);
        changeTargets();
        awaitState("the changed targets", groups -> !groups.equals(before));
    }

    @Test
    void sendsAnEmptyGroupForASourceThatVanished() throws Exception {
        start();
        awaitState("the initial targets", AbstractDiscovererContractTest::hasTargets);
        removeSource();
        awaitState("an empty group for a vanished source", groups -> {
            for (String source : hadTargets) {
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
        awaitState("the initial targets", AbstractDiscovererContractTest::hasTargets);
        long started = System.nanoTime();
        discoverer.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("close() returns promptly").isLessThan(Duration.ofSeconds(10));
        updates.clear();
        changeTargets();
        removeSource();
        assertThat(updates.poll(2, TimeUnit.SECONDS)).as("no update after close()").isNull();
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
