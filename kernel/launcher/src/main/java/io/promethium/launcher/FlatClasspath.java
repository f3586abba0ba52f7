package io.promethium.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * A plain class loader over the bundles, for the command-line tools that need no framework
 * ({@code check config}, {@code tsdb ...}). Jars a bundle embeds on its {@code Bundle-ClassPath}
 * are extracted and added too, so a tool sees what the bundle sees. A jar that cannot be read
 * (truncated, not a zip) is left out with a warning naming it: one broken plugin must not stop
 * the tools.
 *
 * <p>Embedded jars are extracted once into a cache folder, one folder per content (CRC-32 and
 * size from the bundle's zip directory, see {@link JarHeaders#contentId}), and kept: copying
 * ~15 MB at every tool start was most of {@code check config}'s wall time, and stable paths keep
 * the class-data-sharing archive {@code bin/promethium} uses valid. Keyed by content, a rebuilt
 * or re-unpacked bundle that embeds the same libraries reuses their folders (keyed by the
 * bundle's size and time, every build and test run left a new one: 760 on one machine).
 *
 * <p>Whenever a run extracts something, it removes the cache's folders no run has used for
 * {@link #UNUSED_FOR} (last use is the newest access time of their files, which each run refreshes
 * when a day old; the modification time stays, the class-data archives check it). Another process
 * may be using a folder: one in use is at most a day stale, so it is never removed, and on POSIX a
 * jar already open stays readable anyway. Folders of the older layout age out the same way.
 */
final class FlatClasspath {

    /** How long an extracted folder may go unused before a run that extracts removes it. */
    static final Duration UNUSED_FOR = Duration.ofDays(7);
    /** How stale a used jar's access time may get before a run refreshes it (noatime mounts included). */
    private static final Duration REFRESH_AFTER = Duration.ofDays(1);

    private FlatClasspath() {
    }

    static URLClassLoader of(List<Path> folders, PrintStream warnings) throws IOException {
        return of(folders, warnings, new JarHeaders(null), cacheRoot());
    }

    static URLClassLoader of(List<Path> folders, PrintStream warnings, JarHeaders headers) throws IOException {
        return of(folders, warnings, headers, cacheRoot());
    }

    /** @param cacheRoot where embedded jars are extracted and kept between runs */
    static URLClassLoader of(List<Path> folders, PrintStream warnings, JarHeaders headers, Path cacheRoot) throws IOException {
        return of(folders, List.of(), warnings, headers, cacheRoot);
    }

    /**
     * The jars of {@code folders}, then those of {@code candidates} (plugins not installed, a tool
     * checks a config against them): a candidate replaces the installed jar of the same bundle
     * (same {@code Bundle-SymbolicName}), as a newer version would, and comes last, so that of two
     * providers of one service (a discovery type, a notifier) the tools take the candidate's.
     */
    static URLClassLoader of(List<Path> folders, List<Path> candidates, PrintStream warnings, JarHeaders headers, Path cacheRoot)
            throws IOException {
        Set<String> replaced = new HashSet<>();
        for (Path folder : candidates) {
            for (JarHeaders.Jar jar : headers.of(folder)) {
                String name = symbolicName(jar.path());
                if (name != null) {
                    replaced.add(name);
                }
            }
        }
        List<URL> urls = new ArrayList<>();
        Extraction extraction = new Extraction(cacheRoot);
        List<Path> all = new ArrayList<>(folders);
        all.addAll(candidates);
        for (Path folder : all) {
            boolean installed = !candidates.contains(folder);
            for (JarHeaders.Jar jar : headers.of(folder)) {
                if (installed && !replaced.isEmpty() && replaced.contains(symbolicName(jar.path()))) {
                    continue;
                }
                if (!jar.readable()) {
                    warnings.println("promethium: warning: skipping " + jar.path() + ": not a readable jar (" + jar.error() + ")");
                    continue;
                }
                try {
                    urls.addAll(extraction.urlsOf(jar));
                } catch (IOException e) {
                    warnings.println("promethium: warning: skipping " + jar.path() + ": not a readable jar (" + e.getMessage() + ")");
                }
            }
        }
        if (extraction.extracted) {
            removeUnused(cacheRoot, extraction.used, Instant.now().minus(UNUSED_FOR));
        }
        return new URLClassLoader(urls.toArray(URL[]::new), FlatClasspath.class.getClassLoader());
    }

    /** The jar's {@code Bundle-SymbolicName} without its directives, or null (none, or not a readable jar). */
    static String symbolicName(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            String name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            return name == null ? null : name.split(";", 2)[0].strip();
        } catch (IOException e) {
            return null;
        }
    }

    /** Where embedded jars are kept between runs: the system temporary folder, per user. */
    static Path cacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "promethium-" + System.getProperty("user.name", "user"), "embedded");
    }

    /** One run's extraction: what it used and whether it wrote anything. */
    private static final class Extraction {
        private final Path root;
        final Set<Path> used = new HashSet<>();
        boolean extracted;

        Extraction(Path root) {
            this.root = root;
        }

        /**
         * The jar itself and the jars it embeds, each from its content's folder, extracted there
         * first if no run did yet (written aside and renamed, so a concurrent run never sees half
         * a jar). The bundle is opened only to extract.
         */
        List<URL> urlsOf(JarHeaders.Jar jar) throws IOException {
            List<URL> urls = new ArrayList<>();
            urls.add(jar.path().toUri().toURL());
            JarFile file = null;
            try {
                for (String name : JarHeaders.embeddedJars(jar.headers().get(JarHeaders.BUNDLE_CLASS_PATH))) {
                    String id = jar.embedded().get(name);
                    if (id == null || id.isEmpty()) {
                        continue; // not in the bundle
                    }
                    Path folder = root.resolve(id);
                    Path target = folder.resolve(name.replace('/', '_'));
                    used.add(folder);
                    if (Files.isRegularFile(target)) {
                        markUsed(target);
                    } else {
                        if (file == null) {
                            file = new JarFile(jar.path().toFile());
                        }
                        ZipEntry entry = file.getEntry(name);
                        if (entry == null) {
                            continue;
                        }
                        Files.createDirectories(folder);
                        Path part = Files.createTempFile(folder, "extract-", ".part");
                        try (InputStream in = file.getInputStream(entry)) {
                            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        } finally {
                            Files.deleteIfExists(part);
                        }
                        extracted = true;
                    }
                    urls.add(target.toUri().toURL());
                }
            } finally {
                if (file != null) {
                    file.close();
                }
            }
            return urls;
        }
    }

    /** Refreshes a used jar's access time when a day old, leaving its modification time alone. Best effort. */
    private static void markUsed(Path jar) {
        try {
            BasicFileAttributeView view = Files.getFileAttributeView(jar, BasicFileAttributeView.class);
            Instant now = Instant.now();
            if (view.readAttributes().lastAccessTime().toInstant().isBefore(now.minus(REFRESH_AFTER))) {
                view.setTimes(null, FileTime.from(now), null);
            }
        } catch (IOException | RuntimeException e) {
            // An access time we cannot set only makes the folder look older; it is extracted again if removed.
        }
    }

    /** Removes the folders (and stray files) under {@code root} not in {@code used} whose last use is before {@code cutoff}. Best effort. */
    static void removeUnused(Path root, Set<Path> used, Instant cutoff) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (!used.contains(entry) && lastUse(entry).isBefore(cutoff)) {
                    deleteTree(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning is an extra; the next extracting run tries again.
        }
    }

    /**
     * The newest access or modification time of the files in {@code entry} (or of {@code entry}
     * itself when it holds none). Folders' own access times are left out: listing one, as this
     * does, refreshes it.
     */
    private static Instant lastUse(Path entry) throws IOException {
        Instant newest = null;
        try (Stream<Path> files = Files.walk(entry, 2)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                if (a.isDirectory()) {
                    continue;
                }
                for (FileTime t : new FileTime[] {a.lastAccessTime(), a.lastModifiedTime()}) {
                    if (newest == null || t.toInstant().isAfter(newest)) {
                        newest = t.toInstant();
                    }
                }
            }
        }
        return newest != null ? newest : Files.getLastModifiedTime(entry).toInstant();
    }

    private static void deleteTree(Path entry) {
        try (Stream<Path> files = Files.walk(entry)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | RuntimeException e) {
            // Another run may be extracting into it or removing it too: left for a later run.
        }
    }
}
