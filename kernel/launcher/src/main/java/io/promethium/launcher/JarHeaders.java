package io.promethium.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * The few manifest headers the launcher reads from the jars of a folder (the flags and features
 * they declare, their embedded jars, with each embedded jar's content id), before anything else
 * runs. With a cache folder they are
 * kept between runs, one small file per jar folder, and a jar is opened again only when its name,
 * size or time changed: opening every core bundle to read its manifest, twice (for the flags, then
 * for the tools' class path), was a fifth of {@code check config}'s CPU time.
 */
final class JarHeaders {

    static final String BUNDLE_CLASS_PATH = "Bundle-ClassPath";
    /**
     * Not a manifest header: the tool classes the jar lists in {@code META-INF/services} for
     * {@code io.promethium.api.tool.Tool}, comma separated, kept with the headers so that finding
     * the tools opens no jar (a {@code ServiceLoader} opens every jar of the class path, the
     * embedded ones included).
     */
    static final String TOOLS = "tools";
    static final String TOOLS_ENTRY = "META-INF/services/io.promethium.api.tool.Tool";
    private static final List<String> NAMES = List.of(BundleFlags.HEADER, BundleFlags.FEATURES_HEADER, BUNDLE_CLASS_PATH, TOOLS);
    private static final String UNREADABLE = "!unreadable";
    private static final String EMBEDDED = "|embedded|";

    /**
     * One jar: its headers (absent ones left out), the content id of each jar it embeds on its
     * {@code Bundle-ClassPath} (see {@link #contentId}; empty when the jar lacks that entry), or
     * why it cannot be read.
     */
    record Jar(Path path, Map<String, String> headers, Map<String, String> embedded, String error) {
        Jar {
            headers = Map.copyOf(headers);
            embedded = Map.copyOf(embedded);
        }

        boolean readable() {
            return error == null;
        }
    }

    private final Path cacheRoot;
    private final Map<Path, List<Jar>> read = new HashMap<>();

    /** @param cacheRoot where the headers are kept between runs, or null for none */
    JarHeaders(Path cacheRoot) {
        this.cacheRoot = cacheRoot;
    }

    /** Where {@code bin/promethium}'s runs keep them: the system temporary folder, per user. */
    static Path defaultCacheRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"), "promethium-" + System.getProperty("user.name", "user"), "jar-headers");
    }

    /** The jars of a folder in file-name order; none when it is not a folder. */
    synchronized List<Jar> of(Path folder) throws IOException {
        List<Jar> known = read.get(folder);
        if (known != null) {
            return known;
        }
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.jar")) {
                stream.forEach(jars::add);
            }
        }
        jars.sort(null);
        Path cacheFile = cacheFile(folder);
        Properties cached = load(cacheFile);
        Properties fresh = new Properties();
        List<Jar> result = new ArrayList<>();
        for (Path jar : jars) {
            String key = key(jar);
            if (key == null) {
                continue; // removed meanwhile
            }
            Map<String, String> headers = new HashMap<>();
            Map<String, String> embedded = new HashMap<>();
            String error = cached.getProperty(key + UNREADABLE);
            boolean hit = cached.containsKey(key) || error != null;
            if (hit) {
                for (String name : NAMES) {
                    String value = cached.getProperty(key + "|" + name);
                    if (value != null) {
                        headers.put(name, value);
                    }
                }
                for (String entry : embeddedJars(headers.get(BUNDLE_CLASS_PATH))) {
                    String id = cached.getProperty(key + EMBEDDED + entry);
                    if (id == null) {
                        hit = false; // kept by a launcher that did not record content ids: read again
                        break;
                    }
                    embedded.put(entry, id);
                }
            }
            if (!hit) {
                headers.clear();
                embedded.clear();
                error = null;
                try (JarFile file = new JarFile(jar.toFile())) {
                    Manifest manifest = file.getManifest();
                    for (String name : NAMES) {
                        String value = manifest == null ? null : manifest.getMainAttributes().getValue(name);
                        if (value != null && !name.equals(TOOLS)) {
                            headers.put(name, value);
                        }
                    }
                    String tools = serviceClasses(file, TOOLS_ENTRY);
                    if (!tools.isEmpty()) {
                        headers.put(TOOLS, tools);
                    }
                    for (String entry : embeddedJars(headers.get(BUNDLE_CLASS_PATH))) {
                        ZipEntry z = file.getEntry(entry);
                        embedded.put(entry, z == null ? "" : contentId(z));
                    }
                } catch (IOException e) {
                    error = e.getMessage() == null ? e.toString() : e.getMessage();
                }
            }
            if (error != null) {
                fresh.setProperty(key + UNREADABLE, error);
            } else {
                fresh.setProperty(key, "");
                headers.forEach((name, value) -> fresh.setProperty(key + "|" + name, value));
                embedded.forEach((entry, id) -> fresh.setProperty(key + EMBEDDED + entry, id));
            }
            result.add(new Jar(jar, headers, embedded, error));
        }
        if (cacheFile != null && !fresh.equals(cached)) {
            store(cacheFile, fresh);
        }
        List<Jar> copy = List.copyOf(result);
        read.put(folder, copy);
        return copy;
    }

    /** The class names a {@code META-INF/services} file of the jar lists (comments and blanks dropped), comma separated. */
    private static String serviceClasses(JarFile file, String entry) throws IOException {
        ZipEntry z = file.getEntry(entry);
        if (z == null) {
            return "";
        }
        List<String> names = new ArrayList<>();
        try (InputStream in = file.getInputStream(z)) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return String.join(",", names);
    }

    /** The jar entries a {@code Bundle-ClassPath} names (attributes dropped), in its order; none for null. */
    static List<String> embeddedJars(String classPath) {
        List<String> out = new ArrayList<>();
        if (classPath == null) {
            return out;
        }
        for (String element : classPath.split(",")) {
            String name = element.trim();
            int semicolon = name.indexOf(';');
            if (semicolon >= 0) {
                name = name.substring(0, semicolon).trim();
            }
            if (name.endsWith(".jar")) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * An embedded jar's content id: its CRC-32 and size, which a zip's central directory holds, so
     * it is known without reading the entry. Rebuilt bundles that embed the same library give the
     * same id, and their extracted copies are shared.
     */
    static String contentId(ZipEntry entry) {
        return String.format(java.util.Locale.ROOT, "%08x-%d", entry.getCrc(), entry.getSize());
    }

    /** A jar's identity in the cache: name, size and time; null when it is gone. */
    private static String key(Path jar) {
        try {
            return jar.getFileName() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    private Path cacheFile(Path folder) {
        if (cacheRoot == null) {
            return null;
        }
        String id = folder.toAbsolutePath().normalize().toString();
        // -v2: the entries also hold the tools; a cache of the first layout would say "none".
        return cacheRoot.resolve(Integer.toHexString(id.hashCode()) + "-" + folder.getFileName() + "-v2.properties");
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (file != null && Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                p.clear(); // a damaged cache is read again from the jars
            }
        }
        return p;
    }

    /** Written aside and renamed: a concurrent run never reads half a file. Best effort. */
    private static void store(Path file, Properties p) {
        try {
            Files.createDirectories(file.getParent());
            Path part = Files.createTempFile(file.getParent(), "headers-", ".part");
            try {
                try (OutputStream out = Files.newOutputStream(part)) {
                    p.store(out, null);
                }
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (IOException | RuntimeException e) {
            // No cache: the next run reads the jars again.
        }
    }
}
