package io.promethium.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The flags and {@code --enable-feature} names the distribution's own bundles and plugins declare,
 * recorded at packaging in {@value #FILE} (one line each: {@code flag NAME FOLDER/JAR} or
 * {@code feature NAME FOLDER/JAR}), so that a flag or feature whose bundle was removed from
 * {@code bundles/} or {@code plugins/} is refused saying so, as a config section is, instead of
 * "unknown flag". The launcher names no bundle's flag: the jars declare them ({@link BundleFlags}),
 * and this file only remembers what the installed jars were. Without the file (a flat class path,
 * a test) nothing is known and the messages stay Prometheus's.
 *
 * <p>Made by {@code distribution/src/build/cds-train.sh}: {@code java -cp lib/promethium-launcher.jar
 * io.promethium.launcher.ShippedBundles HOME}.
 */
public final class ShippedBundles {

    /** Where the record lives, under the installation's home. */
    static final String FILE = "lib/shipped-bundles";

    static final ShippedBundles NONE = new ShippedBundles(Map.of(), Map.of());

    /** Flag name (and feature name) → the jars that declare it, as {@code FOLDER/JAR}. */
    private final Map<String, List<String>> flags;
    private final Map<String, List<String>> features;

    private ShippedBundles(Map<String, List<String>> flags, Map<String, List<String>> features) {
        this.flags = flags;
        this.features = features;
    }

    /** Packaging: records what the jars of {@code HOME/bundles} and {@code HOME/plugins} declare. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ShippedBundles HOME");
            System.exit(2);
        }
        write(Path.of(args[0]), System.err);
    }

    static void write(Path home, PrintStream warnings) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# The flags and features the distribution's bundles and plugins declare (made at packaging by");
        lines.add("# io.promethium.launcher.ShippedBundles): one removed since is named when its flag or feature is given.");
        JarHeaders headers = new JarHeaders(null);
        for (String folder : List.of("bundles", "plugins")) {
            for (JarHeaders.Jar jar : headers.of(home.resolve(folder))) {
                String where = folder + "/" + jar.path().getFileName();
                String declaredFlags = jar.headers().get(BundleFlags.HEADER);
                if (declaredFlags != null && !declaredFlags.isBlank()) {
                    try {
                        for (Flags.Spec spec : BundleFlags.parse(declaredFlags, owner(where), home)) {
                            lines.add("flag " + spec.name() + " " + where);
                        }
                    } catch (IllegalArgumentException e) {
                        warnings.println("ShippedBundles: " + where + ": bad " + BundleFlags.HEADER + " header: " + e.getMessage());
                    }
                }
                String declaredFeatures = jar.headers().get(BundleFlags.FEATURES_HEADER);
                if (declaredFeatures != null) {
                    for (String feature : declaredFeatures.split(",")) {
                        if (!feature.isBlank()) {
                            lines.add("feature " + feature.strip() + " " + where);
                        }
                    }
                }
            }
        }
        Path file = home.resolve(FILE);
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** The record of {@code home}'s distribution; {@link #NONE} when there is none or it cannot be read. */
    static ShippedBundles read(Path home) {
        Path file = home.resolve(FILE);
        if (!Files.isReadable(file)) {
            return NONE;
        }
        Map<String, List<String>> flags = new TreeMap<>();
        Map<String, List<String>> features = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.strip().split(" ");
                if (parts.length != 3 || line.startsWith("#")) {
                    continue;
                }
                Map<String, List<String>> into = parts[0].equals("flag") ? flags : parts[0].equals("feature") ? features : null;
                if (into != null) {
                    into.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2]);
                }
            }
        } catch (IOException e) {
            return NONE;
        }
        return new ShippedBundles(flags, features);
    }

    /**
     * The refusal of a flag no installed jar declares but a shipped one did:
     * {@code flag --X is declared by promethium-otlp, which is not installed (the distribution ships
     * it as bundles/promethium-otlp-1.0.jar)}; null when no shipped jar declared it.
     */
    String flagNotInstalled(String name) {
        List<String> jars = flags.get(name);
        return jars == null ? null : "flag --" + name + " is declared by " + owners(jars);
    }

    /** As {@link #flagNotInstalled}, for an {@code --enable-feature} name no installed jar implements. */
    String featureNotInstalled(String name) {
        List<String> jars = features.get(name);
        return jars == null ? null : "--enable-feature=" + name + " is implemented by " + owners(jars);
    }

    private static String owners(List<String> jars) {
        List<String> names = new ArrayList<>();
        for (String jar : jars) {
            names.add(owner(jar));
        }
        return String.join(" or ", names) + (jars.size() == 1 ? ", which is" : ", which are") + " not installed (the distribution ships "
                + (jars.size() == 1 ? "it as " : "them as ") + String.join(", ", jars) + ")";
    }

    /** {@code bundles/promethium-otlp-0.1.0-SNAPSHOT.jar} → {@code promethium-otlp}: the jar's name without folder and version. */
    static String owner(String jar) {
        String name = jar.substring(jar.lastIndexOf('/') + 1).replaceFirst("\\.jar$", "");
        return name.replaceFirst("-\\d[^-]*(-SNAPSHOT)?$", "");
    }
}
