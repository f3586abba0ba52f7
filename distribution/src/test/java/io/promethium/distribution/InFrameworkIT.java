package io.promethium.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

import io.promethium.api.collect.Collector;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.config.ConfigService;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * In-framework checks: the tarball's core bundles installed into Felix by Pax Exam resolve,
 * start, and register their services; the config bundle loads a config with a plugin-owned key.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InFrameworkIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] configuration() throws IOException {
        Path dist = Path.of(System.getProperty("promethium.dist"));
        Path config = Files.createTempFile("promethium-paxexam-", ".yml");
        Files.writeString(config, """
                scrape_configs:
                  - job_name: files
                    file_sd_configs:
                      - files: ["targets/*.json"]
                """);
        List<Option> options = new ArrayList<>();
        // The launcher exports its SPI through the system bundle; so does this test.
        options.add(systemPackages("io.promethium.launcher.spi;version=1.3.0"));
        options.add(frameworkProperty("promethium.config.file").value(config.toString()));
        File[] jars = dist.resolve("bundles").toFile().listFiles((dir, name) -> name.endsWith(".jar"));
        java.util.Arrays.sort(jars);
        for (File jar : jars) {
            // A fragment (the REST whiteboard's SSE support) attaches to its host; it cannot be started.
            options.add(bundle(jar.toURI().toString()).start(!isFragment(jar)));
        }
        options.add(junitBundles());
        return options(options.toArray(Option[]::new));
    }

    private static boolean isFragment(File jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar)) {
            java.util.jar.Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue(Constants.FRAGMENT_HOST) != null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    public void everyCoreBundleResolvesAndStarts() {
        List<String> inactive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && bundle.getState() != Bundle.ACTIVE) {
                inactive.add(bundle.getSymbolicName() + " state " + bundle.getState());
            }
        }
        assertTrue("bundles not active: " + inactive, inactive.isEmpty());
    }

    @Test
    public void configBundleLoadsAConfigWhoseDiscoveryKeyAPluginOwns() throws Exception {
        ServiceTracker<DiscovererFactory, DiscovererFactory> factories = new ServiceTracker<>(context, DiscovererFactory.class, null);
        factories.open();
        try {
            DiscovererFactory file = factories.waitForService(10_000);
            assertNotNull("file discovery registered", file);
            assertEquals("file", file.type());
        } finally {
            factories.close();
        }
        ServiceTracker<Callable<?>, Callable<?>> reload = new ServiceTracker<>(context,
                context.createFilter("(promethium.command=config.reload)"), null);
        reload.open();
        try {
            Callable<?> command = reload.waitForService(10_000);
            assertNotNull("config reload command registered", command);
            assertEquals("", command.call());
        } finally {
            reload.close();
        }
        ServiceReference<ConfigService> reference = context.getServiceReference(ConfigService.class);
        ConfigService config = context.getService(reference);
        assertEquals("files", config.current().scrapeConfigs().get(0).jobName());
        assertEquals("file_sd_configs", config.current().scrapeConfigs().get(0).discoveryConfigs().get(0).key());
        context.ungetService(reference);
    }

    @Test
    public void collectorsOfCoreBundlesAreRegistered() throws Exception {
        ServiceReference<?>[] collectors = context.getAllServiceReferences(Collector.class.getName(), null);
        assertNotNull(collectors);
        List<String> owners = new ArrayList<>();
        for (ServiceReference<?> reference : collectors) {
            owners.add(reference.getBundle().getSymbolicName());
        }
        assertTrue("config bundle collector in " + owners, owners.contains("promethium-config"));
    }
}
