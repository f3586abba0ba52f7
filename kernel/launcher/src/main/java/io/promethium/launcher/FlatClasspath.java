package io.promethium.launcher;

import java.io.IOException;
import java.io.InputStream;
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
 * are extracted to a temporary folder and added too, so a tool sees what the bundle sees.
 */
final class FlatClasspath {

    private FlatClasspath() {
    }

    static URLClassLoader of(List<Path> folders) throws IOException {
        List<URL> urls = new ArrayList<>();
        Path extracted = null;
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
                urls.add(jar.toUri().toURL());
                try (JarFile file = new JarFile(jar.toFile())) {
                    Manifest manifest = file.getManifest();
                    String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-ClassPath");
                    if (classPath == null) {
                        continue;
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
                        if (extracted == null) {
                            extracted = Files.createTempDirectory("promethium-tool-");
                            extracted.toFile().deleteOnExit();
                        }
                        Path target = extracted.resolve(jar.getFileName() + "-" + name.replace('/', '_'));
                        try (InputStream in = file.getInputStream(entry)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                        target.toFile().deleteOnExit();
                        urls.add(target.toUri().toURL());
                    }
                }
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), FlatClasspath.class.getClassLoader());
    }
}
