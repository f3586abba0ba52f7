package io.promethium.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Where Felix keeps the installed bundles ({@code org.osgi.framework.storage}): a folder of its
 * own, named by {@code --plugins.cache-dir} ({@code <install>/cache} by default, the Debian
 * package's {@code /var/cache/promethium}), never the data folder: a data disk, its backups and
 * snapshots hold data only. The folder is kept between runs so that a restart reuses the bundles
 * it holds; the core bundles are installed by reference ({@code reference:file:}), so Felix keeps
 * no second copy of the jars of {@code bundles/}, only what it must extract (the jars a bundle
 * embeds) and its own bookkeeping.
 *
 * <p>The cache rebuilds itself: a missing folder is created; a stamp file records each core jar's
 * size and time and the framework jar it was made with, so a changed core jar is installed again
 * and a changed framework (an upgraded install) or a cache Felix cannot open starts from an empty
 * folder, emptied by the launcher (never by Felix's {@code org.osgi.framework.storage.clean}, which
 * deletes the lock file too). The launcher locks the folder ({@link #LOCK_FILE}) before it reads or
 * changes anything in it, so a second server of the same install falls back to a temporary cache:
 * Felix's own lock does not keep another process out (its {@code tryLock} failing is not an error
 * to it), and two servers started at once on one install broke each other's bundles. So does a
 * cache folder that cannot be written to (a temporary one is deleted at exit).
 *
 * @param lock the launcher's hold on a kept folder, null for a temporary one
 */
record FrameworkCache(Path dir, boolean kept, FileLock lock) {

    private static final Logger LOG = Logger.getLogger(FrameworkCache.class.getName());
    /** The launcher's flag naming the folder. */
    static final String FLAG = "plugins.cache-dir";
    /** The bundle cache's folder in the data folder before it had a folder of its own; removed when found. */
    static final String OLD_DATA_FOLDER = "bundle-cache";
    /** Beside Felix's own files in the cache folder: what the cached core bundles were installed from. */
    static final String STAMP_FILE = "promethium-core.properties";
    private static final String FRAMEWORK_KEY = "framework";
    /** The launcher's lock in a kept folder: the one file emptying the folder leaves. */
    static final String LOCK_FILE = "promethium.lock";

    /** The kept cache folder the flag names, created if missing, or null when it cannot be used. */
    static Path keptDir(String flagValue) {
        if (flagValue == null || flagValue.isBlank()) {
            return null;
        }
        Path dir = Path.of(flagValue).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? dir : null;
        } catch (IOException | RuntimeException e) {
            LOG.info("Bundle cache " + dir + " cannot be used (" + e.getMessage() + "); using a temporary one");
            return null;
        }
    }

    static FrameworkCache temporary() throws IOException {
        return new FrameworkCache(Files.createTempDirectory("promethium-felix-"), false, null);
    }

    /**
     * This process's exclusive hold on the kept folder {@code dir}, or null when another server
     * holds it (or this one already does) or the lock file cannot be made.
     */
    static FileLock lock(Path dir) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
            }
            return lock;
        } catch (IOException | OverlappingFileLockException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the lock is not taken either way
                }
            }
            return null;
        }
    }

    /** Empties a kept folder the launcher holds, all but its lock file, for Felix to start afresh. */
    static void empty(Path dir) throws IOException {
        try (var children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                if (!child.getFileName().toString().equals(LOCK_FILE)) {
                    delete(child);
                }
            }
        }
    }

    /**
     * Whether the folder must be emptied before Felix opens it: it was made with another
     * framework jar (Felix's own files may not fit it), or by a launcher that kept no stamp.
     */
    static boolean stale(Path dir, String framework) {
        if (!Files.isDirectory(dir.resolve("bundle0"))) {
            return false; // nothing of Felix's in it yet
        }
        return !framework.equals(readStamps(dir).getProperty(FRAMEWORK_KEY));
    }

    /** The size and time of the framework jar this launcher runs Felix from: a cache fits only it. */
    static String frameworkStamp() {
        try {
            var source = org.apache.felix.framework.Felix.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                Path jar = Path.of(source.getLocation().toURI());
                if (Files.isRegularFile(jar)) {
                    return stampOf(jar);
                }
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            LOG.fine("framework jar not found: " + e.getMessage());
        }
        return "unknown";
    }

    /** A jar's size and time, as the stamp file keeps them. */
    static String stampOf(Path jar) throws IOException {
        return Files.size(jar) + ";" + Files.getLastModifiedTime(jar).toMillis();
    }

    /** The stamps the folder holds (location -> size;time, and the framework's), empty when none. */
    static Properties readStamps(Path dir) {
        Properties stamps = new Properties();
        Path file = dir.resolve(STAMP_FILE);
        if (Files.isReadable(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                stamps.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.fine("unreadable " + file + ": " + e.getMessage());
                stamps.clear();
            }
        }
        return stamps;
    }

    /** Records what the cached core bundles were installed from (written aside, then renamed). */
    static void writeStamps(Path dir, String framework, Map<String, String> byLocation) throws IOException {
        Properties stamps = new Properties();
        stamps.putAll(new TreeMap<>(byLocation));
        stamps.setProperty(FRAMEWORK_KEY, framework);
        Path tmp = dir.resolve(STAMP_FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            stamps.store(out, "Promethium: the core jars the cached bundles were installed from (size;modified)");
        }
        Files.move(tmp, dir.resolve(STAMP_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Removes the bundle cache an earlier version kept in the data folder ({@code <data>/bundle-cache},
     * Felix's folder: recognised by its {@code bundle0}), which would otherwise stay there unused.
     */
    static void removeOldDataCache(String dataFolder) {
        if (dataFolder == null || dataFolder.isBlank()) {
            return;
        }
        Path old = Path.of(dataFolder).toAbsolutePath().normalize().resolve(OLD_DATA_FOLDER);
        if (Files.isDirectory(old.resolve("bundle0"))) {
            LOG.info("Removing the bundle cache an earlier version kept in the data folder: " + old);
            delete(old);
        }
    }

    /**
     * Removes the cached bundles whose referenced jar is gone (an upgrade renamed it), before Felix
     * opens the folder: Felix would log an error for each at start; the launcher installs what the
     * bundle folder holds now. A bundle's location is the second line of its {@code bundle.info}.
     */
    static void dropMissingReferences(Path dir) {
        try (var bundles = Files.newDirectoryStream(dir, "bundle*")) {
            for (Path bundle : bundles) {
                Path info = bundle.resolve("bundle.info");
                if (!Files.isRegularFile(info)) {
                    continue;
                }
                java.util.List<String> lines = Files.readAllLines(info);
                if (lines.size() > 1 && lines.get(1).startsWith("reference:file:")
                        && !Files.exists(Path.of(java.net.URI.create(lines.get(1).substring("reference:".length()))))) {
                    delete(bundle);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.fine("bundle cache " + dir + " not checked: " + e.getMessage());
        }
    }

    /** Removes a temporary cache; a kept one stays for the next run, and its lock is let go. */
    void release() {
        if (!kept) {
            delete(dir);
        } else if (lock != null) {
            unlock(lock);
        }
    }

    /** Lets go of a hold from {@link #lock}. */
    static void unlock(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException e) {
            LOG.fine("bundle cache lock not released: " + e.getMessage());
        }
    }

    private static void delete(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a leftover file of a cache is harmless.
                }
            });
        } catch (IOException e) {
            // Best effort.
        }
    }
}
