package io.promethium.launcher.leaky;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A badly written plugin that leaves virtual threads, packed into a test bundle by
 * {@code ThreadLeakWatchTest}: {@code virtual-leaker-<version>}, started directly,
 * {@code pooled-virtual-leaker-<version>}, a task of a virtual-thread-per-task executor it never
 * closes, both ignoring interrupts, and {@code polite-virtual-leaker-<version>}, which ends when
 * interrupted. All end when the {@link AtomicBoolean} it registers as a service is set (so the
 * test can end them; a real one would run until the JVM exits).
 */
public final class VirtualLeakyActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        String version = context.getBundle().getVersion().toString();
        AtomicBoolean release = new AtomicBoolean();
        context.registerService(AtomicBoolean.class, release, null);
        Thread.ofVirtual().name("virtual-leaker-" + version).start(() -> blockUntil(release));
        Thread.ofVirtual().name("polite-virtual-leaker-" + version).start(() -> {
            try {
                while (!release.get()) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                // asked to end: ends
            }
        });
        ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pooled-virtual-leaker-" + version).factory());
        pool.submit(() -> blockUntil(release));
    }

    private static void blockUntil(AtomicBoolean release) {
        while (!release.get()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ignored) {
                // the leak under test: an interrupt does not end it
            }
        }
    }

    @Override
    public void stop(BundleContext context) {
        // the leak under test: nothing is stopped, the executor is not closed
    }
}
