package io.promethium.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * A plain class loader over the bundles, for the command-line tools that need no framework
 * ({@code check config}, {@code tsdb ...}). Jars a bundle embeds on its {@code Bundle-ClassPath}
 * are extracted and added too, so a tool sees what the bundle sees. They are extracted once into
 * a cache folder keyed by the bundle's name, size and time (copying ~15 MB at every tool start
 * was most of {@code check config}'s wall time) and kept, which also keeps their paths stable
 * for the class-data-sharing archive {@code bin/promethium} uses. A jar
 * that cannot be read (truncated, not a zip) is left out with a warning naming it: one broken
 * plugin must not stop the tools.
 */
final class FlatClasspath {

    private FlatClasspath() {
    }

    static URLClassLoader of(List<Path> folders) throws IOException {
        return of(folders, System.err, new JarHeaders(null));
    }

    static URLClassLoader of(List<Path> folders, PrintStream warnings) throws IOException {
        return of(folders, warnings, new JarHeaders(null));
    }

    static URLClassLoader of(List<Path> folders, PrintStream warnings, JarHeaders headers) throws IOException {
        List<URL> urls = new ArrayList<>();
        Path[] extracted = {null};
        for (Path folder : folders) {
            for (JarHeaders.Jar jar : headers.of(folder)) {
                if (!jar.readable()) {
                    warnings.println("promethium: warning: skipping " + jar.path() + ": not a readable jar (" + jar.error() + ")");
                    continue;
                }
                try {
                    urls.addAll(urlsOf(jar.path(), jar.headers().get(JarHeaders.BUNDLE_CLASS_PATH), extracted));
                } catch (IOException e) {
                    warnings.println("promethium: warning: skipping " + jar.path() + ": not a readable jar (" + e.getMessage() + ")");
                }
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), FlatClasspath.class.getClassLoader());
    }

    /** Where embedded jars are kept between runs: the system temporary folder, per user. */
    static Path cacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "promethium-" + System.getProperty("user.name", "user"), "embedded");
    }

    /**
     * The jar itself and the jars it embeds on its {@code Bundle-ClassPath}, extracted once: a jar
     * already extracted for this very bundle file (the folder names its size and time; extraction
     * renames a complete file into place) is used without opening the bundle again.
     */
    private static List<URL> urlsOf(Path jar, String classPath, Path[] extracted) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(jar.toUri().toURL());
        if (classPath == null) {
            return urls;
        }
        JarFile file = null;
        try {
            for (String element : classPath.split(",")) {
                String name = element.trim();
                int semicolon = name.indexOf(';');
                if (semicolon >= 0) {
                    name = name.substring(0, semicolon).trim();
                }
                if (!name.endsWith(".jar")) {
                    continue;
                }
                if (extracted[0] == null) {
                    extracted[0] = cacheRoot();
                }
                Path folder = extracted[0].resolve(jar.getFileName() + "-" + Files.size(jar) + "-"
                        + Files.getLastModifiedTime(jar).toMillis());
                Path target = folder.resolve(name.replace('/', '_'));
                if (!Files.isRegularFile(target)) {
                    if (file == null) {
                        file = new JarFile(jar.toFile());
                    }
                    ZipEntry entry = file.getEntry(name);
                    if (entry == null) {
                        continue;
                    }
                    Files.createDirectories(folder);
                    // Written aside and renamed: a concurrent tool never sees half a jar.
                    Path part = Files.createTempFile(folder, "extract-", ".part");
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(part);
                    }
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
