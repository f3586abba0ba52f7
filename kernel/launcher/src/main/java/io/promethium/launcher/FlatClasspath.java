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
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
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
        return of(folders, System.err);
    }

    static URLClassLoader of(List<Path> folders, PrintStream warnings) throws IOException {
        List<URL> urls = new ArrayList<>();
        Path[] extracted = {null};
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.jar")) {
                stream.forEach(jars::add);
            }
            jars.sort(null);
            for (Path jar : jars) {
                List<URL> jarUrls;
                try {
                    jarUrls = urlsOf(jar, extracted);
                } catch (IOException e) {
                    warnings.println("promethium: warning: skipping " + jar + ": not a readable jar (" + e.getMessage() + ")");
                    continue;
                }
                urls.addAll(jarUrls);
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), FlatClasspath.class.getClassLoader());
    }

    /** Where embedded jars are kept between runs: the system temporary folder, per user. */
    static Path cacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "promethium-" + System.getProperty("user.name", "user"), "embedded");
    }

    /** The jar itself and the jars it embeds on its {@code Bundle-ClassPath}; fails when the jar cannot be read. */
    private static List<URL> urlsOf(Path jar, Path[] extracted) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(jar.toUri().toURL());
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-ClassPath");
            if (classPath == null) {
                return urls;
            }
            for (String element : classPath.split(",")) {
                String name = element.trim();
                int semicolon = name.indexOf(';');
                if (semicolon >= 0) {
                    name = name.substring(0, semicolon).trim();
                }
                ZipEntry entry = name.endsWith(".jar") ? file.getEntry(name) : null;
                if (entry == null) {
                    continue;
                }
                if (extracted[0] == null) {
                    extracted[0] = cacheRoot();
                }
                Path folder = extracted[0].resolve(jar.getFileName() + "-" + Files.size(jar) + "-"
                        + Files.getLastModifiedTime(jar).toMillis());
                Path target = folder.resolve(name.replace('/', '_'));
                if (!Files.isRegularFile(target) || Files.size(target) != entry.getSize()) {
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
        }
        return urls;
    }
}
