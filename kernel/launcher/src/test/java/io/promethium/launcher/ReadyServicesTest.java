package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.LogCapture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.logging.Level;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * On a real Felix: a started bundle whose {@code Promethium-Ready-When} names a service holds the
 * server's readiness until that service is registered (later than the bundle's start, as DS
 * registers a component another enabled) and got (a delayed component's activation: the storage's
 * open and replay), and the service stays held until close; a service that never comes, or whose
 * get fails, is waited for no longer than the registration wait and named in a warning.
 */
class ReadyServicesTest {

    private static final String FILTER = "(&(objectClass=java.lang.Runnable)(ready.test=storage))";

    @TempDir
    Path dir;
    private Framework framework;
    private LogCapture log;

    @BeforeEach
    void startFramework() throws Exception {
        // SCR's lock timeout, short here: a get that waited this long for another thread's activation.
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                ReadyServices.SCR_LOCK_TIMEOUT, "200"));
        framework.start();
        log = new LogCapture(ReadyServices.class.getName(), Level.WARNING);
    }

    @AfterEach
    void stopFramework() throws Exception {
        log.close();
        framework.stop();
        framework.waitForStop(10_000);
    }

    @Test
    void theServerWaitsForTheNamedServiceToBeRegisteredAndOpenedAndHoldsItUntilClose() throws Exception {
        startBundleSaying(FILTER);
        AtomicBoolean opened = new AtomicBoolean();
        AtomicBoolean released = new AtomicBoolean();
        Thread registrar = Thread.ofPlatform().start(() -> {
            sleep(300);
            register(new ServiceFactory<Runnable>() {
                @Override
                public Runnable getService(Bundle bundle, ServiceRegistration<Runnable> registration) {
                    sleep(400); // the storage opening and replaying its WAL
                    opened.set(true);
                    return () -> { };
                }

                @Override
                public void ungetService(Bundle bundle, ServiceRegistration<Runnable> registration, Runnable service) {
                    released.set(true);
                }
            });
        });
        long start = System.nanoTime();
        ReadyServices ready = ReadyServices.await(framework.getBundleContext(), 10_000);
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        boolean openedWhenReady = opened.get();
        registrar.join();

        assertThat(openedWhenReady).as("got before the server is ready").isTrue();
        assertThat(waitedMillis).isBetween(600L, 9_000L);
        assertThat(released).as("held while the server runs").isFalse();
        ready.close();
        assertThat(released).isTrue();
        assertThat(log.lines()).isEmpty();
    }

    @Test
    void aServiceThatNeverComesIsWaitedForAtMostTheRegistrationWaitAndNamed() throws Exception {
        startBundleSaying(FILTER);
        long start = System.nanoTime();
        ReadyServices.await(framework.getBundleContext(), 300).close();

        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(300L, 5_000L);
        assertThat(log.lines()).singleElement().asString().contains("test.ready.bundle", FILTER, "ready without it");
    }

    @Test
    void aServiceWhoseGetFailsIsNamedAndNotWaitedForFurther() throws Exception {
        startBundleSaying(FILTER);
        register(new ServiceFactory<Runnable>() {
            @Override
            public Runnable getService(Bundle bundle, ServiceRegistration<Runnable> registration) {
                return null; // the component's activation threw
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Runnable> registration, Runnable service) {
            }
        });
        long start = System.nanoTime();
        ReadyServices.await(framework.getBundleContext(), 10_000).close();

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000L);
        assertThat(log.lines()).singleElement().asString().contains("could not be got");
    }

    /**
     * Another thread activates the component first (a consumer bound the storage before the
     * launcher's get): SCR answers the launcher's get null after its lock timeout, as Felix SCR
     * does, while the replay goes on. The server waits for the replay instead of becoming ready.
     */
    @Test
    void aGetThatTimesOutWaitingForAnotherThreadsActivationIsAskedAgain() throws Exception {
        startBundleSaying(FILTER);
        java.util.concurrent.atomic.AtomicInteger gets = new java.util.concurrent.atomic.AtomicInteger();
        register(new ServiceFactory<Runnable>() {
            @Override
            public Runnable getService(Bundle bundle, ServiceRegistration<Runnable> registration) {
                if (gets.incrementAndGet() < 3) {
                    sleep(250); // SCR's lock timeout (200 ms here) passing while another thread replays
                    return null;
                }
                return () -> { };
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Runnable> registration, Runnable service) {
            }
        });
        ReadyServices ready = ReadyServices.await(framework.getBundleContext(), 10_000);
        int getsWhenReady = gets.get();
        ready.close();

        assertThat(getsWhenReady).as("gets before the server is ready").isEqualTo(3);
        assertThat(log.lines()).isEmpty();
    }

    @Test
    void bundlesThatNameNoServiceAreNotWaitedFor() throws Exception {
        startBundleSaying(null);
        long start = System.nanoTime();
        ReadyServices.await(framework.getBundleContext(), 10_000).close();

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000L);
        assertThat(log.lines()).isEmpty();
    }

    private void startBundleSaying(String filter) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, "test.ready.bundle");
        if (filter != null) {
            main.putValue(ReadyServices.HEADER, filter);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JarOutputStream(bytes, manifest).close();
        framework.getBundleContext().installBundle("test:ready", new ByteArrayInputStream(bytes.toByteArray())).start();
    }

    private void register(ServiceFactory<Runnable> factory) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("ready.test", "storage");
        framework.getBundleContext().registerService(Runnable.class.getName(), factory, properties);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
