package io.promethium.launcher;

import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.PluginFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Keeps the bundles of the plugin folder in step with its jars. A jar is acted on once its size
 * and modification time held still for one poll, so a jar being copied is never read half-way.
 * Each outcome is logged once, when it changes, not at every poll.
 */
final class PluginWatcher implements PluginDirectory {

    private static final Logger LOG = Logger.getLogger(PluginWatcher.class.getName());
    private static final String LOCATION_PREFIX = "promethium-plugin:";

    /** What the watcher knows of one jar. */
    private record Known(long size, FileTime modified, long bundleId, String error, Instant changed) {
    }

    private final BundleContext context;
    private final Path directory;
    private final Map<String, Known> known = new HashMap<>();
    private final Map<String, long[]> pending = new HashMap<>();

    PluginWatcher(BundleContext context, Path directory) {
        this.context = Objects.requireNonNull(context, "context is null");
        this.directory = Objects.requireNonNull(directory, "directory is null");
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized List<PluginFile> files() {
        List<PluginFile> files = new ArrayList<>();
        new TreeMap<>(known).forEach((name, k) -> files.add(new PluginFile(name, k.bundleId(), currentError(k), k.changed())));
        return files;
    }

    private String currentError(Known k) {
        if (!k.error().isEmpty() || k.bundleId() < 0) {
            return k.error();
        }
        Bundle bundle = context.getBundle(k.bundleId());
        if (bundle != null && bundle.getState() != Bundle.ACTIVE && bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
            return "bundle is not active (state " + Bundles.stateName(bundle.getState()) + ")";
        }
        return "";
    }

    @Override
    public PluginFile install(String fileName, InputStream content) throws IOException {
        String name = validName(fileName);
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, ".upload-", ".tmp");
        try {
            Files.copy(content, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        synchronized (this) {
            deploy(name, directory.resolve(name));
            for (PluginFile file : files()) {
                if (file.fileName().equals(name)) {
                    return file;
                }
            }
        }
        throw new IOException("plugin " + name + " vanished during install");
    }

    @Override
    public boolean remove(String fileName) throws IOException {
        String name = validName(fileName);
        boolean existed = Files.deleteIfExists(directory.resolve(name));
        synchronized (this) {
            if (known.containsKey(name)) {
                undeploy(name);
                existed = true;
            }
        }
        return existed;
    }

    private static String validName(String fileName) throws IOException {
        if (fileName == null || !fileName.endsWith(".jar") || fileName.contains("/") || fileName.contains("\\")
                || fileName.startsWith(".")) {
            throw new IOException("invalid plugin file name \"" + fileName + "\": expected a plain NAME.jar");
        }
        return fileName;
    }

    /** One pass over the folder. */
    @Override
    public synchronized void scan() {
        Map<String, Path> present = new TreeMap<>();
        if (Files.isDirectory(directory)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(directory, "*.jar")) {
                for (Path jar : jars) {
                    present.put(jar.getFileName().toString(), jar);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot list plugin folder " + directory + ": " + e.getMessage());
                return;
            }
        }
        boolean changed = false;
        for (String name : new ArrayList<>(known.keySet())) {
            if (!present.containsKey(name)) {
                undeploy(name);
                changed = true;
            }
        }
        for (Map.Entry<String, Path> entry : present.entrySet()) {
            String name = entry.getKey();
            Path jar = entry.getValue();
            long size;
            FileTime modified;
            try {
                size = Files.size(jar);
                modified = Files.getLastModifiedTime(jar);
            } catch (IOException e) {
                continue;
            }
            Known k = known.get(name);
            if (k != null && k.size() == size && k.modified().equals(modified)) {
                continue;
            }
            // Act only when the jar held still since the previous look (or is old enough).
            long[] seen = pending.get(name);
            boolean settled = (seen != null && seen[0] == size && seen[1] == modified.toMillis())
                    || modified.toMillis() < System.currentTimeMillis() - 2000;
            if (!settled) {
                pending.put(name, new long[] {size, modified.toMillis()});
                continue;
            }
            pending.remove(name);
            deploy(name, jar);
            changed = true;
        }
        if (changed) {
            retryInactive();
        }
    }

    private void deploy(String name, Path jar) {
        long size;
        FileTime modified;
        try {
            size = Files.size(jar);
            modified = Files.getLastModifiedTime(jar);
        } catch (IOException e) {
            return;
        }
        Known previous = known.get(name);
        Bundle bundle = previous == null || previous.bundleId() < 0 ? null : context.getBundle(previous.bundleId());
        String error = "";
        try (InputStream in = Files.newInputStream(jar)) {
            if (bundle == null) {
                bundle = context.installBundle(LOCATION_PREFIX + name, in);
                LOG.info("Installed plugin " + name + " as " + bundle.getSymbolicName() + " " + bundle.getVersion());
            } else {
                bundle.update(in);
                refresh(List.of(bundle));
                LOG.info("Updated plugin " + name + " (" + bundle.getSymbolicName() + " " + bundle.getVersion() + ")");
            }
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        } catch (BundleException | IOException | RuntimeException e) {
            error = describe(e);
            if (previous == null || !previous.error().equals(error)) {
                LOG.warning("Plugin " + name + " failed: " + error);
            }
        }
        known.put(name, new Known(size, modified, bundle == null ? -1 : bundle.getBundleId(), error, Instant.now()));
    }

    private void undeploy(String name) {
        Known k = known.remove(name);
        pending.remove(name);
        if (k == null || k.bundleId() < 0) {
            return;
        }
        Bundle bundle = context.getBundle(k.bundleId());
        if (bundle == null) {
            return;
        }
        try {
            bundle.uninstall();
            refresh(List.of(bundle));
            LOG.info("Removed plugin " + name);
        } catch (BundleException | RuntimeException e) {
            LOG.warning("Removing plugin " + name + " failed: " + describe(e));
        }
    }

    /** Bundles that could not start may start now that another plugin came or went. */
    private void retryInactive() {
        for (Map.Entry<String, Known> entry : known.entrySet()) {
            Known k = entry.getValue();
            if (k.bundleId() < 0) {
                continue;
            }
            Bundle bundle = context.getBundle(k.bundleId());
            if (bundle == null || bundle.getState() == Bundle.ACTIVE || bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                bundle.start();
                if (!k.error().isEmpty()) {
                    LOG.info("Plugin " + entry.getKey() + " started after an earlier failure");
                }
                entry.setValue(new Known(k.size(), k.modified(), k.bundleId(), "", Instant.now()));
            } catch (BundleException | RuntimeException e) {
                entry.setValue(new Known(k.size(), k.modified(), k.bundleId(), describe(e), k.changed()));
            }
        }
    }

    private void refresh(List<Bundle> bundles) {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                && !message.contains(e.getCause().getMessage())) {
            message += ": " + e.getCause().getMessage();
        }
        return message.replace('\n', ' ');
    }
}
