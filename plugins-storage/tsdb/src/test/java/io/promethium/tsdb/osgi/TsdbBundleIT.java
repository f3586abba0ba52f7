package io.promethium.tsdb.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.api.storage.WalReplayProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots Felix with SCR and Config Admin, installs the built bundle with only the api packages
 * (exported by the system bundle) and the chunk codec library bundle around it, configures {@code io.promethium.tsdb}, and uses the
 * registered Storage: appends, persists a block (Lucene inside the bundle), queries, restarts the
 * bundle and finds the data again.
 */
class TsdbBundleIT {
    @TempDir
    Path tmp;

    private static Path jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Path builtBundle() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("promethium-tsdb-.*\\.jar")
                    && !p.getFileName().toString().contains("sources")).findFirst().orElseThrow();
        }
    }

    /** The api jar's own Export-Package header, so the system bundle exports the versions the bundle was built against. */
    private static String apiExports() throws Exception {
        Path api = jarOf(Storage.class);
        java.util.jar.Manifest manifest;
        if (Files.isDirectory(api)) {
            // A reactor build may hand over the api's classes folder; bnd writes its manifest there too.
            try (var in = Files.newInputStream(api.resolve("META-INF/MANIFEST.MF"))) {
                manifest = new java.util.jar.Manifest(in);
            }
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(api.toFile())) {
                manifest = jar.getManifest();
            }
        }
        String exports = manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
        assertThat(exports).as("Export-Package of the api bundle").isNotBlank();
        return exports;
    }

    private static long count(Storage storage) {
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "osgi_test")));
            long n = 0;
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    n++;
                }
            }
            return n;
        }
    }

    @Test
    void bundleServesStorageUnderScrAndKeepsDataAcrossARestart() throws Exception {
        Map<String, String> config = Map.of(
                "promethium.flag.storage.tsdb.path", tmp.resolve("data").toString(),
                "promethium.flag.storage.tsdb.retention.time", "1d",
                Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, apiExports() + ",org.osgi.service.cm;version=1.6.1");
        Framework framework = new FrameworkFactory().newFramework(config);
        framework.start();
        try {
            BundleContext ctx = framework.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            for (Path jar : List.of(jarOf(org.osgi.util.function.Function.class), jarOf(org.osgi.util.promise.Promise.class),
                    jarOf(org.osgi.service.component.ComponentContext.class),
                    jarOf(org.apache.felix.scr.info.ScrInfo.class), jarOf(org.apache.felix.cm.PersistenceManager.class),
                    jarOf(io.promethium.chunks.XorEncoder.class), jarOf(io.promethium.goformat.GoStrings.class), builtBundle())) {
                // A reactor build hands over a library's classes folder (bnd writes its manifest there): Felix installs it by reference.
                bundles.add(ctx.installBundle(Files.isDirectory(jar) ? "reference:" + jar.toUri() : jar.toUri().toString()));
            }
            for (Bundle b : bundles) {
                b.start();
            }
            Bundle tsdbBundle = bundles.get(bundles.size() - 1);
            assertThat(tsdbBundle.getState()).isEqualTo(Bundle.ACTIVE);

            ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> cm = new ServiceTracker<>(ctx, ConfigurationAdmin.class, null);
            cm.open();
            ConfigurationAdmin admin = cm.waitForService(20_000);
            assertThat(admin).as("ConfigurationAdmin").isNotNull();
            // The storage section of prometheus.yml arrives through Configuration Admin, beside the flags.
            Configuration c = admin.getConfiguration("io.promethium.storage", "?");
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("outOfOrderTimeWindow", "10m");
            c.update(props);

            ServiceTracker<Storage, Storage> storages = new ServiceTracker<>(ctx,
                    FrameworkUtil.createFilter("(&(objectClass=" + Storage.class.getName() + ")(storage.type=tsdb))"), null);
            // Track all: this test's class path also holds io.promethium.tsdb, which the framework would
            // otherwise count as a class-space mismatch for the service's TsdbAdmin interface.
            storages.open(true);
            Storage storage = storages.waitForService(20_000);
            assertThat(storage).as("Storage service").isNotNull();
            ServiceTracker<Collector, Collector> collectors = new ServiceTracker<>(ctx, Collector.class, null);
            collectors.open(true);
            assertThat(collectors.waitForService(5_000)).isNotNull();

            Appender app = storage.appender();
            for (int i = 0; i < 500; i++) {
                app.append(0, Labels.of("__name__", "osgi_test", "k", "v"), i * 60_000L, i);
            }
            app.commit();
            // TsdbAdmin is the bundle's own class (not shared with this test's class path): call it reflectively.
            var adminRefs = ctx.getAllServiceReferences("io.promethium.tsdb.TsdbAdmin", "(storage.type=tsdb)");
            assertThat(adminRefs).as("TsdbAdmin service").hasSize(1);
            Object tsdbAdmin = ctx.getService(adminRefs[0]);
            Object stats = tsdbAdmin.getClass().getMethod("headStats").invoke(tsdbAdmin);
            assertThat(stats.getClass().getMethod("numSeries").invoke(stats)).isEqualTo(1L);
            // The api's StorageAdmin (shared from the system bundle) serves the HTTP API without a tsdb dependency.
            ServiceTracker<StorageAdmin, StorageAdmin> storageAdmins = new ServiceTracker<>(ctx, StorageAdmin.class, null);
            storageAdmins.open(true);
            StorageAdmin storageAdmin = storageAdmins.waitForService(5_000);
            assertThat(storageAdmin).as("StorageAdmin service").isNotNull();
            assertThat(storageAdmin.stats().numSeries()).isEqualTo(1L);
            // Persist into a block: exercises Lucene (codec lookup through SPI) inside the bundle.
            Object tsdb = storage.getClass().getMethod("tsdb").invoke(storage);
            tsdb.getClass().getMethod("flushHead").invoke(tsdb);
            assertThat((List<?>) tsdb.getClass().getMethod("blocks").invoke(tsdb)).isNotEmpty();
            // The same blocks reach the HTTP API through the api's StorageAdmin.
            assertThat(storageAdmin.blockMetas()).hasSameSizeAs((List<?>) tsdb.getClass().getMethod("blocks").invoke(tsdb))
                    .allSatisfy(b -> assertThat(tmp.resolve("data").resolve(b.ulid()).resolve("meta.json")).exists());
            assertThat(count(storage)).isEqualTo(500);

            Appender more = storage.appender();
            more.append(0, Labels.of("__name__", "osgi_test", "k", "v"), 500 * 60_000L, 500);
            more.commit();
            tsdbBundle.stop();
            tsdbBundle.start();
            Storage again = storages.waitForService(20_000);
            assertThat(again).isNotNull();
            // The restart replayed the WAL: its progress service, registered apart from the storage, says it is over.
            ServiceTracker<WalReplayProgress, WalReplayProgress> replays = new ServiceTracker<>(ctx, WalReplayProgress.class, null);
            replays.open(true);
            WalReplayProgress replay = replays.waitForService(5_000);
            assertThat(replay).as("WalReplayProgress service").isNotNull();
            WalReplayProgress.Segments replayed = replay.segments();
            assertThat(replayed.max()).as("the writer's segment follows the one written before the restart").isPositive();
            assertThat(replayed.current()).isEqualTo(replayed.max());
            assertThat(count(again)).isEqualTo(501);
        } finally {
            framework.stop();
            framework.waitForStop(20_000);
        }
    }
}
