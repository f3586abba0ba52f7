package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.promethium.launcher.leaky.Callee;
import io.promethium.launcher.leaky.LeakyActivator;
import io.promethium.launcher.leaky.VirtualLeakyActivator;
import io.promethium.launcher.spi.LeakedThread;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * Threads a stopped bundle leaves running, on a real Felix with real leaking bundles
 * ({@link LeakyActivator}, {@link VirtualLeakyActivator}, their classes packed into jars here):
 * the one that honours an interrupt is ended, the one that ignores it is reported, virtual ones
 * (seen through a thread dump) are reported, and nothing else is touched.
 */
class ThreadLeakWatchTest {

    private static final Duration GRACE = Duration.ofMillis(150);

    @TempDir
    Path dir;
    private Framework framework;
    private ThreadLeakWatch watch;
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    /** What ends the virtual threads the test bundles leave. */
    private final List<AtomicBoolean> releases = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void startFramework() throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                Constants.FRAMEWORK_BSNVERSION, Constants.FRAMEWORK_BSNVERSION_MULTIPLE));
        framework.start();
        watch = new ThreadLeakWatch(framework.getBundleContext(), GRACE);
        Logger.getLogger(ThreadLeakWatch.class.getName()).addHandler(handler);
    }

    @AfterEach
    void stopFramework() throws Exception {
        Logger.getLogger(ThreadLeakWatch.class.getName()).removeHandler(handler);
        watch.close();
        framework.stop();
        framework.waitForStop(10_000);
        releases.forEach(r -> r.set(true));
        List<Thread> left = leakers();
        for (Thread thread : left) {
            thread.setName(LeakyActivator.RELEASED);
            thread.interrupt();
        }
        for (Thread thread : left) {
            thread.join(5_000);
        }
    }

    @Test
    void aStoppedBundlesThreadThatHonoursAnInterruptEndsAndOneThatIgnoresItIsReported() throws Exception {
        Bundle bundle = install("1.0.0");
        bundle.start();
        Thread polite = thread("polite-leaker-1.0.0");
        Thread stubborn = thread("stubborn-leaker-1.0.0");
        // A thread started elsewhere (as a kernel thread in a plugin call) that is in the bundle's code when it stops.
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean callerInterrupted = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().name("kernel-caller").start(() -> {
            try {
                bundle.loadClass(Callee.class.getName()).getMethod("block", CountDownLatch.class).invoke(null, release);
            } catch (InvocationTargetException e) {
                callerInterrupted.set(e.getCause() instanceof InterruptedException);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        await(() -> caller.getState() == Thread.State.WAITING);

        long stopped = System.nanoTime();
        bundle.stop();
        await(() -> !watch.leaked().isEmpty());

        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("reported after two grace periods").isGreaterThanOrEqualTo(GRACE.multipliedBy(2));
        assertThat(polite.isAlive()).as("the interrupt ended it").isFalse();
        assertThat(stubborn.isAlive()).isTrue();
        assertThat(watch.leaked()).singleElement().satisfies(t -> {
            assertThat(t.plugin()).isEqualTo("test.leaky");
            assertThat(t.version()).isEqualTo("1.0.0");
            assertThat(t.bundleId()).isEqualTo(bundle.getBundleId());
            assertThat(t.name()).isEqualTo("stubborn-leaker-1.0.0");
            assertThat(t.topFrame()).as("where it is, in the plugin's code").contains("LeakyActivator.lambda$start$");
        });
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.WARNING).singleElement()
                .satisfies(r -> assertThat(r.getMessage()).contains("test.leaky 1.0.0", "\"stubborn-leaker-1.0.0\" at ")
                        .doesNotContain("polite", "kernel-caller"));
        assertThat(caller.isAlive()).as("a thread that only called into the bundle is not its own").isTrue();
        assertThat(callerInterrupted).isFalse();

        release.countDown();
        caller.join(5_000);
        assertThat(callerInterrupted).isFalse();
        stubborn.setName(LeakyActivator.RELEASED);
        stubborn.join(5_000);
        assertThat(watch.leaked()).as("a leaked thread is listed until it ends").isEmpty();
    }

    /** Where the virtual threads' objects cannot be reached (the server without the export): known from dumps only. */
    @Test
    void aStoppedBundlesVirtualThreadsAreReportedWithoutAnInterruptUntilTheyEnd() throws Exception {
        watch.close();
        watch = new ThreadLeakWatch(framework.getBundleContext(), GRACE, ids -> Map.of());
        Bundle bundle = installVirtual();
        AtomicBoolean release = release();
        // A virtual thread started elsewhere (as a kernel virtual thread in a plugin call) that is in the bundle's code when it stops.
        CountDownLatch callerRelease = new CountDownLatch(1);
        AtomicBoolean callerInterrupted = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().name("kernel-virtual-caller").start(() -> {
            try {
                bundle.loadClass(Callee.class.getName()).getMethod("block", CountDownLatch.class).invoke(null, callerRelease);
            } catch (InvocationTargetException e) {
                callerInterrupted.set(e.getCause() instanceof InterruptedException);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        await(() -> caller.getState() == Thread.State.WAITING);

        bundle.stop();
        await(() -> !watch.leaked().isEmpty());

        assertThat(watch.leaked()).extracting(LeakedThread::plugin, LeakedThread::bundleId, LeakedThread::name).containsExactly(
                tuple("test.leaky.virtual", bundle.getBundleId(), "polite-virtual-leaker-1.0.0"),
                tuple("test.leaky.virtual", bundle.getBundleId(), "pooled-virtual-leaker-1.0.0"),
                tuple("test.leaky.virtual", bundle.getBundleId(), "virtual-leaker-1.0.0"));
        assertThat(watch.leaked()).allSatisfy(t -> assertThat(t.topFrame()).as("where it is, in the plugin's code")
                .contains(" in io.promethium.launcher.leaky.VirtualLeakyActivator."));
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.INFO).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("test.leaky.virtual 1.0.0", "3 of its virtual threads still running, which cannot be interrupted"));
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.WARNING).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("\"virtual-leaker-1.0.0\" (virtual, not interrupted", "\"pooled-virtual-leaker-1.0.0\" (virtual, not interrupted")
                .doesNotContain("kernel-virtual-caller"));
        assertThat(caller.isAlive()).as("a virtual thread that only called into the bundle is not its own").isTrue();

        release.set(true);
        await(() -> watch.leaked().isEmpty());
        callerRelease.countDown();
        caller.join(5_000);
        assertThat(callerInterrupted).isFalse();
    }

    /** Where they can (this module's tests run with the export): interrupted, then reported as platform threads are. */
    @Test
    void aStoppedBundlesReachableVirtualThreadsAreInterruptedAndThoseLeftReported() throws Exception {
        assertThat(VirtualThreadHandles.find()).as("the surefire argLine exports jdk.internal.vm").isPresent();
        Bundle bundle = installVirtual();
        AtomicBoolean release = release();

        bundle.stop();
        // The report (the WARNING) follows the list's update: wait for both.
        await(() -> !watch.leaked().isEmpty() && logged.stream().anyMatch(r -> r.getLevel() == Level.WARNING));

        assertThat(watch.leaked()).extracting(LeakedThread::name).as("the polite one ended when interrupted")
                .containsExactly("pooled-virtual-leaker-1.0.0", "virtual-leaker-1.0.0");
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.INFO).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("interrupting 3 of its threads", "\"polite-virtual-leaker-1.0.0\"").doesNotContain("cannot be interrupted"));
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.WARNING).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("which ignored an interrupt", "\"virtual-leaker-1.0.0\" at ").doesNotContain("not interrupted", "polite"));

        release.set(true);
        await(() -> watch.leaked().isEmpty());
    }

    private Bundle installVirtual() throws Exception {
        Bundle bundle = framework.getBundleContext().installBundle("test:virtual", jarStream("test.leaky.virtual", "1.0.0",
                VirtualLeakyActivator.class));
        bundle.start();
        return bundle;
    }

    /** What ends the started virtual bundle's threads, which it registered as a service. */
    private AtomicBoolean release() {
        var context = framework.getBundleContext();
        AtomicBoolean release = context.getService(context.getServiceReference(AtomicBoolean.class));
        releases.add(release);
        return release;
    }

    @Test
    void anUpdatedPluginsOldThreadsAreReportedAndTheNewVersionsAreLeftAlone() throws Exception {
        Path plugins = dir.resolve("plugins");
        PluginWatcher watcher = new PluginWatcher(framework.getBundleContext(), plugins, PluginSignatures.none());
        watcher.install("leaky.jar", jarStream("1.0.0"));
        Thread oldStubborn = thread("stubborn-leaker-1.0.0");

        long newId = watcher.install("leaky.jar", jarStream("2.0.0")).bundleId();
        await(() -> !watch.leaked().isEmpty());
        Thread.sleep(GRACE.toMillis());

        assertThat(watch.leaked()).extracting(LeakedThread::name, LeakedThread::version).containsExactly(
                tuple("stubborn-leaker-1.0.0", "1.0.0"));
        assertThat(oldStubborn.isAlive()).isTrue();
        assertThat(thread("polite-leaker-2.0.0").isAlive()).as("the new version's threads are not interrupted").isTrue();
        assertThat(framework.getBundleContext().getBundle(newId).getState()).isEqualTo(Bundle.ACTIVE);
    }

    private Bundle install(String version) throws Exception {
        return framework.getBundleContext().installBundle("test:leaky-" + version, jarStream(version));
    }

    private static InputStream jarStream(String version) throws Exception {
        return jarStream("test.leaky", version, LeakyActivator.class);
    }

    /**
     * A bundle of the activator's class and {@link Callee}, compiled with the tests: the bundle's
     * class loader defines its own copies.
     */
    static InputStream jarStream(String symbolicName, String version, Class<?> activator) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        if (activator != null) {
            main.putValue("Bundle-Activator", activator.getName());
        }
        main.putValue("Import-Package", "org.osgi.framework");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (Class<?> type : activator == null ? List.<Class<?>>of(Callee.class) : List.of(activator, Callee.class)) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = ThreadLeakWatchTest.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    private static List<Thread> leakers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("polite-leaker-") || t.getName().startsWith("stubborn-leaker-")).toList();
    }

    private static Thread thread(String name) {
        return leakers().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
