package io.promethium.launcher;

import io.promethium.launcher.spi.BundleStates;
import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.PluginFile;
import io.promethium.launcher.spi.PluginRefusedException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 *
 * <p>An update (a replaced jar, or an upload over one) is installed beside the running version
 * (the framework allows two bundles of one name and version for this), resolved, and only then
 * is the running version stopped and the new one started; when the new one does not resolve or
 * start, it is uninstalled and the previous version runs on (started again). With
 * {@code --plugins.trust-store} a jar's signature is checked before it is installed at all.
 */
final class PluginWatcher implements PluginDirectory {

    private static final Logger LOG = Logger.getLogger(PluginWatcher.class.getName());
    private static final String LOCATION_PREFIX = "promethium-plugin:";
    private static final Pattern MISSING_PACKAGE = Pattern.compile("osgi\\.wiring\\.package=([^)\\s]+)");

    /** What the watcher knows of one jar. */
    private record Known(long size, FileTime modified, long bundleId, String error, Instant changed, String signature, String signer) {
    }

    /** What became of one deployment: the bundle now serving the jar's name (or null) and the error. */
    private record Outcome(Bundle bundle, String error, PluginRefusedException.Reason refusal, PluginSignatures.Verdict verdict) {
        boolean failed() {
            return refusal != null;
        }
    }

    private final BundleContext context;
    private final Path directory;
    private final PluginSignatures signatures;
    private final Map<String, Known> known = new HashMap<>();
    private final Map<String, long[]> pending = new HashMap<>();
    /** Makes each bundle location unique, so an update can be installed beside the version it replaces. */
    private long installs;

    PluginWatcher(BundleContext context, Path directory, PluginSignatures signatures) {
        this.context = Objects.requireNonNull(context, "context is null");
        this.directory = Objects.requireNonNull(directory, "directory is null");
        this.signatures = Objects.requireNonNull(signatures, "signatures is null");
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized List<PluginFile> files() {
        List<PluginFile> files = new ArrayList<>();
        new TreeMap<>(known).forEach((name, k) -> files.add(file(name, k)));
        return files;
    }

    private PluginFile file(String name, Known k) {
        return new PluginFile(name, k.bundleId(), currentError(k), k.changed(), k.signature(), k.signer());
    }

    private String currentError(Known k) {
        if (!k.error().isEmpty() || k.bundleId() < 0) {
            return k.error();
        }
        Bundle bundle = context.getBundle(k.bundleId());
        if (bundle != null && bundle.getState() != Bundle.ACTIVE && !fragment(bundle)) {
            return "bundle is not active (state " + BundleStates.name(bundle.getState()) + ")";
        }
        return "";
    }

    @Override
    public PluginFile install(String fileName, InputStream content) throws IOException {
        String name = validName(fileName);
        Files.createDirectories(directory);
        // Staged under a name the scan does not look at; it joins the folder only once it runs.
        Path temp = Files.createTempFile(directory, ".upload-", ".tmp");
        try {
            Files.copy(content, temp, StandardCopyOption.REPLACE_EXISTING);
            synchronized (this) {
                Known previous = known.get(name);
                Outcome outcome = deploy(name, temp, true);
                if (outcome.failed()) {
                    LOG.warning("Upload of plugin " + name + " refused: " + outcome.error()
                            + (previous != null && previous.bundleId() >= 0 ? " (the running version is kept)" : ""));
                    throw new PluginRefusedException(outcome.refusal(), outcome.error());
                }
                Path target = directory.resolve(name);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                pending.remove(name);
                // The moved file keeps its size and time: the next scan sees nothing new.
                known.put(name, new Known(Files.size(target), Files.getLastModifiedTime(target), outcome.bundle().getBundleId(), "",
                        Instant.now(), outcome.verdict().signature(), outcome.verdict().signer()));
                retryInactive();
                return file(name, known.get(name));
            }
        } finally {
            Files.deleteIfExists(temp);
        }
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

    /** True while a jar the last scan saw waits to be looked at again, to tell it held still. */
    synchronized boolean waiting() {
        return !pending.isEmpty();
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
        // A jar that went before it held still waits no more.
        pending.keySet().retainAll(present.keySet());
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
            Known previous = known.get(name);
            Outcome outcome = deploy(name, jar, false);
            Bundle serving = outcome.bundle();
            String error = outcome.refusal() == PluginRefusedException.Reason.UNTRUSTED ? "refused: " + outcome.error() : outcome.error();
            String signature = outcome.verdict().signature();
            String signer = outcome.verdict().signer();
            if (outcome.failed() && previous != null && previous.bundleId() >= 0 && serving != null
                    && serving.getBundleId() == previous.bundleId()) {
                // The update failed; the previous version runs on, and says why it was not replaced.
                error = "update to the current " + name + " failed, " + serving.getSymbolicName() + " " + serving.getVersion()
                        + " keeps running: " + error;
                signature = previous.signature();
                signer = previous.signer();
            }
            if (!error.isEmpty() && (previous == null || !previous.error().equals(error))) {
                LOG.warning("Plugin " + name + " failed: " + error);
            }
            known.put(name, new Known(size, modified, serving == null ? -1 : serving.getBundleId(), error, Instant.now(), signature, signer));
            changed = true;
        }
        if (changed) {
            retryInactive();
        }
    }

    /**
     * Deploys a jar under a name of the folder, replacing the bundle that serves that name now.
     *
     * @param upload whether the jar comes through the API: then nothing of a failed jar is kept;
     *               from the folder, a new jar that does not resolve or start stays installed with
     *               its error, to be started when what it lacks arrives
     */
    private Outcome deploy(String name, Path jar, boolean upload) {
        Known previous = known.get(name);
        Bundle old = previous == null || previous.bundleId() < 0 ? null : context.getBundle(previous.bundleId());
        return swap(name, jar, old, LOCATION_PREFIX + name + "#" + (++installs), upload);
    }

    /**
     * Replaces a bundle that did not come from the folder (a core bundle) as a plugin's update is:
     * beside it until resolved, the previous one back when the new one fails. The replacement
     * lasts until the server stops (the core bundles come from the bundles folder at each start).
     *
     * @return the new bundle's id
     */
    @Override
    public synchronized long replaceBundle(long bundleId, Path jar) throws IOException {
        Bundle old = context.getBundle(bundleId);
        if (old == null || bundleId == 0) {
            throw new IOException("no bundle with id " + bundleId + " to replace");
        }
        for (Map.Entry<String, Known> entry : known.entrySet()) {
            if (entry.getValue().bundleId() == bundleId) {
                throw new IOException("bundle " + bundleId + " comes from plugins/" + entry.getKey() + ": update the plugin file");
            }
        }
        Outcome outcome = swap(null, jar, old, "promethium-replaced:" + old.getSymbolicName() + "#" + (++installs), true);
        if (outcome.failed()) {
            LOG.warning("Replacing " + old.getSymbolicName() + " " + old.getVersion() + " refused: " + outcome.error());
            throw new PluginRefusedException(outcome.refusal(), outcome.error());
        }
        return outcome.bundle().getBundleId();
    }

    /**
     * Installs a jar beside the bundle it replaces (if any), and swaps them once it resolved.
     *
     * @param name     the plugin file's name, or null for a core bundle
     * @param upload   whether nothing of a failed jar may be kept (else a new jar that does not
     *                 resolve or start stays installed, waiting)
     */
    private Outcome swap(String name, Path jar, Bundle old, String location, boolean upload) {
        String label = name != null ? name : old.getSymbolicName();
        PluginSignatures.Verdict verdict;
        Bundle candidate;
        // Opened before the check, so the bytes installed are those checked even if the file is replaced meanwhile.
        try (InputStream in = Files.newInputStream(jar)) {
            verdict = signatures.check(jar);
            if (verdict.refused()) {
                return new Outcome(old, verdict.problem(), verdict.unreadable() ? PluginRefusedException.Reason.INVALID
                        : PluginRefusedException.Reason.UNTRUSTED, verdict);
            }
            if (!verdict.problem().isEmpty()) {
                LOG.warning("Plugin " + label + ": " + verdict.problem() + " (not enforced: no --" + PluginSignatures.FLAG + ")");
            }
            candidate = context.installBundle(location, in);
        } catch (BundleException | IOException | RuntimeException e) {
            return new Outcome(old, describe(e), PluginRefusedException.Reason.INVALID,
                    new PluginSignatures.Verdict(PluginFile.UNSIGNED, "", "", false));
        }
        String duplicate = duplicateOf(name, candidate, old);
        if (duplicate != null) {
            uninstallQuietly(candidate);
            return new Outcome(old, candidate.getSymbolicName() + " " + candidate.getVersion() + " is installed already, from "
                    + duplicate, PluginRefusedException.Reason.INVALID, verdict);
        }
        if (fragment(candidate)) {
            // A fragment attaches to its host when the host is refreshed: no side-by-side swap.
            if (old != null) {
                uninstallQuietly(old);
            }
            refresh(old == null ? List.of(candidate) : List.of(old, candidate));
            LOG.info(logLine(old, candidate, label));
            return new Outcome(candidate, "", null, verdict);
        }
        boolean oldRan = old != null && old.getState() == Bundle.ACTIVE;
        if (!frameworkWiring().resolveBundles(List.of(candidate))) {
            String error = startError(candidate);
            if (error != null) {
                return failed(label, candidate, old, oldRan, upload, error, verdict);
            }
            // It resolved at the second attempt (a dependency arrived meanwhile) and runs now.
        }
        if (old != null) {
            try {
                old.stop(Bundle.STOP_TRANSIENT);
            } catch (BundleException | RuntimeException e) {
                LOG.warning("Stopping " + old.getSymbolicName() + " " + old.getVersion() + " for its update failed: " + describe(e));
            }
        }
        String error = startError(candidate);
        if (error != null) {
            return failed(label, candidate, old, oldRan, upload, error, verdict);
        }
        if (old != null) {
            uninstallQuietly(old);
            refresh(List.of(old));
        }
        LOG.info(logLine(old, candidate, label));
        return new Outcome(candidate, "", null, verdict);
    }

    /**
     * Where a bundle of the candidate's symbolic name and version is installed already (another
     * plugin file, or the core), or null. The framework allows such twins only so that an update
     * can be installed beside the version it replaces.
     */
    private String duplicateOf(String name, Bundle candidate, Bundle old) {
        for (Bundle other : context.getBundles()) {
            if (other == candidate || other == old || other.getSymbolicName() == null
                    || !other.getSymbolicName().equals(candidate.getSymbolicName()) || !other.getVersion().equals(candidate.getVersion())) {
                continue;
            }
            for (Map.Entry<String, Known> entry : known.entrySet()) {
                if (entry.getValue().bundleId() == other.getBundleId() && !entry.getKey().equals(name)) { // name: null for a core bundle
                    return "plugins/" + entry.getKey();
                }
            }
            return other.getLocation();
        }
        return null;
    }

    private static String logLine(Bundle old, Bundle candidate, String name) {
        return old == null
                ? "Installed plugin " + name + " as " + candidate.getSymbolicName() + " " + candidate.getVersion()
                : "Updated plugin " + name + " (" + old.getSymbolicName() + " " + old.getVersion() + " -> "
                        + candidate.getSymbolicName() + " " + candidate.getVersion() + ")";
    }

    /** Starts a bundle; the error, or null when it runs. */
    private static String startError(Bundle bundle) {
        try {
            bundle.start();
            return null;
        } catch (BundleException | RuntimeException e) {
            return describe(e);
        }
    }

    /** A candidate that did not resolve or start: the previous version comes back (or, for a new jar from the folder, it waits). */
    private Outcome failed(String name, Bundle candidate, Bundle old, boolean oldRan, boolean upload, String error,
                           PluginSignatures.Verdict verdict) {
        if (old == null && !upload) {
            return new Outcome(candidate, error, PluginRefusedException.Reason.FAILED, verdict);
        }
        uninstallQuietly(candidate);
        refresh(List.of(candidate));
        if (oldRan && old.getState() != Bundle.ACTIVE) {
            String restart = startError(old);
            if (restart != null) {
                LOG.warning("Plugin " + name + ": " + old.getSymbolicName() + " " + old.getVersion() + " did not start again: " + restart);
            } else {
                LOG.info("Plugin " + name + ": " + old.getSymbolicName() + " " + old.getVersion() + " runs again after its update failed");
            }
        }
        return new Outcome(old, error, PluginRefusedException.Reason.FAILED, verdict);
    }

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | RuntimeException e) {
            LOG.warning("Uninstalling " + bundle.getSymbolicName() + " " + bundle.getVersion() + " failed: " + describe(e));
        }
    }

    private static boolean fragment(Bundle bundle) {
        return bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    private FrameworkWiring frameworkWiring() {
        return context.getBundle(0).adapt(FrameworkWiring.class);
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
            if (bundle == null || bundle.getState() == Bundle.ACTIVE || fragment(bundle)) {
                continue;
            }
            try {
                bundle.start();
                if (!k.error().isEmpty()) {
                    LOG.info("Plugin " + entry.getKey() + " started after an earlier failure");
                }
                entry.setValue(new Known(k.size(), k.modified(), k.bundleId(), "", Instant.now(), k.signature(), k.signer()));
            } catch (BundleException | RuntimeException e) {
                entry.setValue(new Known(k.size(), k.modified(), k.bundleId(), describe(e), k.changed(), k.signature(), k.signer()));
            }
        }
    }

    private void refresh(List<Bundle> bundles) {
        CountDownLatch done = new CountDownLatch(1);
        frameworkWiring().refreshBundles(bundles, event -> {
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

    /** An exception's message on one line; a resolution failure starts with the packages it misses. */
    static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        java.util.Set<String> missing = new java.util.TreeSet<>();
        for (Matcher m = MISSING_PACKAGE.matcher(message); m.find(); ) {
            missing.add(m.group(1));
        }
        if (!missing.isEmpty()) {
            message = "missing package" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + " (no installed bundle exports it): " + message;
        }
        if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                && !message.contains(e.getCause().getMessage())) {
            message += ": " + e.getCause().getMessage();
        }
        return message.replace('\n', ' ');
    }
}
