package io.promethium.launcher.leaky;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A badly written plugin, packed into a test bundle by {@code ThreadLeakWatchTest}: it starts two
 * non-daemon threads and stops neither. {@code polite-leaker-<version>} ends when interrupted;
 * {@code stubborn-leaker-<version>} ignores interrupts and ends only when renamed
 * {@value #RELEASED} (so the test can end it; a real one would run until the JVM exits).
 */
public final class LeakyActivator implements BundleActivator {

    public static final String RELEASED = "released";

    @Override
    public void start(BundleContext context) {
        String version = context.getBundle().getVersion().toString();
        Thread.ofPlatform().daemon(false).name("polite-leaker-" + version).start(() -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // asked to end: ends
            }
        });
        Thread.ofPlatform().daemon(false).name("stubborn-leaker-" + version).start(() -> {
            while (!Thread.currentThread().getName().equals(RELEASED)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    // the leak under test: an interrupt does not end it
                }
            }
        });
    }

    @Override
    public void stop(BundleContext context) {
        // the leak under test: nothing is stopped
    }
}
