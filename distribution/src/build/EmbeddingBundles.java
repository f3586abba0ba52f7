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
 * off, the launcher's flat class path loads the bundle together with its extracted jars. A bundle
 * that imports a package such a bundle exports is kept off too (and so on): loaded by the JVM's
 * class loader it could not see the package the launcher's loader holds (the PromQL engine, which
 * imports the tracing bundle's API: {@code test rules} failed with NoClassDefFoundError).
 *
 * <p>Usage: {@code java EmbeddingBundles.java BUNDLES_DIR LIST_FILE} (a single-file program).
 */
public final class EmbeddingBundles {

    public static void main(String[] args) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Bundles that embed jars, and bundles importing their packages (made at packaging by EmbeddingBundles.java): not on the tools' class path.");
        java.util.Map<String, Attributes> bundles = new java.util.TreeMap<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    Manifest manifest = file.getManifest();
                    bundles.put(jar.getFileName().toString(), manifest == null ? new Attributes() : manifest.getMainAttributes());
                }
            }
        }
        java.util.Set<String> off = new java.util.LinkedHashSet<>();
        java.util.Set<String> offPackages = new java.util.HashSet<>();
        bundles.forEach((name, headers) -> {
            String classPath = headers.getValue("Bundle-ClassPath");
            if (classPath != null && embedsJars(classPath)) {
                off.add(name);
                offPackages.addAll(packages(headers.getValue("Export-Package")));
            }
        });
        for (boolean grew = true; grew; ) {
            grew = false;
            for (var bundle : bundles.entrySet()) {
                if (!off.contains(bundle.getKey())
                        && packages(bundle.getValue().getValue("Import-Package")).stream().anyMatch(offPackages::contains)) {
                    off.add(bundle.getKey());
                    offPackages.addAll(packages(bundle.getValue().getValue("Export-Package")));
                    grew = true;
                }
            }
        }
        lines.addAll(off);
        Files.write(Path.of(args[1]), lines);
    }

    /** The package names of an Export-Package or Import-Package header (clauses split outside quotes). */
    static List<String> packages(String header) {
        List<String> names = new ArrayList<>();
        if (header == null) {
            return names;
        }
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= header.length(); i++) {
            char c = i < header.length() ? header.charAt(i) : ',';
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                String clause = header.substring(start, i);
                for (String part : clause.split(";")) {
                    String name = part.trim();
                    if (!name.isEmpty() && !name.contains("=")) {
                        names.add(name);
                    }
                }
                start = i + 1;
            }
        }
        return names;
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
