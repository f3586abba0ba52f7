import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Packaging step: lists the bundles that embed jars on their {@code Bundle-ClassPath}, for
 * {@code bin/promethium} to keep them off the tools' class path. The tools put the core bundles on
 * the JVM's class path (where the AOT cache holds their classes), but the JVM cannot read a jar
 * inside a jar: a class of such a bundle loaded there could not see its embedded libraries (the
 * tsdb's snappy, for one: {@code tsdb wal-stats} failed with a bare InvocationTargetException). Left
 * off, the launcher's flat class path loads the bundle together with its extracted jars.
 *
 * <p>Usage: {@code java EmbeddingBundles.java BUNDLES_DIR LIST_FILE} (a single-file program).
 */
public final class EmbeddingBundles {

    public static void main(String[] args) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Bundles that embed jars (made at packaging by EmbeddingBundles.java): not on the tools' class path.");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    Manifest manifest = file.getManifest();
                    String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-ClassPath");
                    if (classPath != null && embedsJars(classPath)) {
                        lines.add(jar.getFileName().toString());
                    }
                }
            }
        }
        Files.write(Path.of(args[1]), lines);
    }

    static boolean embedsJars(String classPath) {
        for (String element : classPath.split(",")) {
            String name = element.trim();
            int semicolon = name.indexOf(';');
            if ((semicolon >= 0 ? name.substring(0, semicolon).trim() : name).endsWith(".jar")) {
                return true;
            }
        }
        return false;
    }

    private EmbeddingBundles() {
    }
}
