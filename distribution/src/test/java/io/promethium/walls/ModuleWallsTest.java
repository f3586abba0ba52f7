package io.promethium.walls;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls between the module tiers, checked on the compiled classes of every module on this
 * (the distribution's) class path, with no exception list:
 * <ul>
 *   <li>{@code api/} depends on nothing else of ours;</li>
 *   <li>the library tier ({@code kernel/lib/*}) depends on {@code api/}, itself, the JDK and the
 *       OSGi annotations only;</li>
 *   <li>a plugin ({@code plugins-*}{@code /*}) depends on no kernel module (only on {@code api/},
 *       the library tier and third-party libraries);</li>
 *   <li>no kernel module depends on a plugin.</li>
 * </ul>
 * A module's tier comes from where its {@code pom.xml} lives in the source tree, so a new module
 * is checked without editing this test. {@code promql-grammar} is kernel: the engine's parser.
 */
class ModuleWallsTest {

    enum Tier { API, LIB, KERNEL, PLUGIN }

    private static final Pattern ARTIFACT_ID = Pattern.compile(
            "</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL);
    private static final Pattern PACKAGING_POM = Pattern.compile("<packaging>pom</packaging>");

    /** Class-path locations (a jar, or a module's target/classes) and their tier. */
    private static final Map<Path, Tier> LOCATIONS = new HashMap<>();
    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() throws IOException {
        Path root = repositoryRoot();
        Map<String, Tier> byArtifact = new HashMap<>();
        Map<Path, Tier> byDirectory = new HashMap<>();
        try (Stream<Path> poms = Files.walk(root, 4)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml")).toList()) {
                Path dir = pom.getParent();
                Tier tier = tierOf(root.relativize(dir));
                String text = Files.readString(pom);
                if (tier == null || PACKAGING_POM.matcher(text).find()) {
                    continue;
                }
                Matcher m = ARTIFACT_ID.matcher(text);
                assertThat(m.find()).as("artifactId in %s", pom).isTrue();
                byArtifact.put(m.group(1), tier);
                byDirectory.put(dir.toAbsolutePath().normalize(), tier);
            }
        }
        List<Path> paths = new ArrayList<>();
        // Surefire starts the JVM with a manifest-only jar; it names the real class path here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            Tier tier = null;
            if (Files.isDirectory(path) && path.endsWith(Path.of("target", "classes"))) {
                tier = byDirectory.get(path.getParent().getParent());
            } else if (path.toString().endsWith(".jar") && !path.toString().endsWith("-tests.jar")) {
                String name = path.getFileName().toString();
                String version = path.getParent().getFileName().toString();
                if (name.endsWith("-" + version + ".jar")) {
                    tier = byArtifact.get(name.substring(0, name.length() - version.length() - 5));
                }
            }
            if (tier != null) {
                LOCATIONS.put(path, tier);
                paths.add(path);
            }
        }

        List<Location> locations = new ArrayList<>();
        for (Path path : paths) {
            // A jar needs a jar location: Location.of(Path) would walk it as a directory and find nothing.
            locations.add(Files.isDirectory(path) ? Location.of(path) : Location.of(new JarFile(path.toFile())));
        }
        classes = new ClassFileImporter().importLocations(locations);
    }

    /** The tier of a module directory relative to the repository root; null for aggregators and the distribution. */
    static Tier tierOf(Path relative) {
        String p = relative.toString().replace(File.separatorChar, '/');
        if (p.equals("api")) {
            return Tier.API;
        }
        if (p.startsWith("kernel/lib/")) {
            return Tier.LIB;
        }
        if (p.startsWith("kernel/") || p.equals("promql-grammar")) {
            return Tier.KERNEL;
        }
        if (p.startsWith("plugins-") && p.contains("/")) {
            return Tier.PLUGIN;
        }
        return null;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        // Surefire runs in distribution/; the root is the directory that holds api/ and kernel/.
        while (dir != null && !(Files.isDirectory(dir.resolve("api")) && Files.isDirectory(dir.resolve("kernel")))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root above %s", System.getProperty("user.dir")).isNotNull();
        return dir;
    }

    static Tier tier(JavaClass type) {
        // An array of our classes belongs where its element class does.
        JavaClass c = type.isArray() ? type.getBaseComponentType() : type;
        return c.getSource().map(s -> {
            String uri = s.getUri().toString();
            // jar:file:/…/x.jar!/a/B.class, or file:/…/target/classes/a/B.class
            Path file = uri.startsWith("jar:")
                    ? Path.of(URI.create(uri.substring(4, uri.indexOf("!/"))))
                    : Path.of(URI.create(uri));
            for (Map.Entry<Path, Tier> e : LOCATIONS.entrySet()) {
                if (file.startsWith(e.getKey())) {
                    return e.getValue();
                }
            }
            return null;
        }).orElse(null);
    }

    private static DescribedPredicate<JavaClass> in(Tier tier) {
        return DescribedPredicate.describe("in the " + tier + " tier", c -> tier(c) == tier);
    }

    private static DescribedPredicate<JavaClass> ofTheJdkOrOsgiAnnotations() {
        return DescribedPredicate.describe("of the JDK or the OSGi annotations", c -> {
            JavaClass base = c.isArray() ? c.getBaseComponentType() : c;
            String pkg = base.getPackageName();
            return base.isPrimitive() || pkg.startsWith("java.") || pkg.startsWith("org.osgi.annotation.");
        });
    }

    @Test
    void everyTierIsOnTheClassPath() {
        Map<Tier, Integer> counts = new EnumMap<>(Tier.class);
        for (JavaClass c : classes) {
            Tier t = tier(c);
            if (t != null) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        // Guards the rules below against passing on an empty set (a class-path layout this test misreads).
        assertThat(counts).containsOnlyKeys(Tier.values());
    }

    @Test
    void apiDependsOnNothingElseOfOurs() {
        noClasses().that(in(Tier.API))
                .should().dependOnClassesThat(in(Tier.LIB).or(in(Tier.KERNEL)).or(in(Tier.PLUGIN)))
                .because("api/ is the contract everything else builds on")
                .check(classes);
    }

    @Test
    void libraryTierDependsOnTheApiOnly() {
        classes().that(in(Tier.LIB))
                .should().onlyDependOnClassesThat(in(Tier.API).or(in(Tier.LIB)).or(ofTheJdkOrOsgiAnnotations()))
                .because("kernel bundles and plugins both use the library tier, so it may lean on nothing but api/")
                .check(classes);
    }

    @Test
    void pluginsDependOnNoKernelModule() {
        noClasses().that(in(Tier.PLUGIN))
                .should().dependOnClassesThat(in(Tier.KERNEL))
                .because("a plugin builds on api/, the library tier and platform libraries, so the kernel can change under it")
                .check(classes);
    }

    @Test
    void kernelDependsOnNoPlugin() {
        noClasses().that(in(Tier.KERNEL))
                .should().dependOnClassesThat(in(Tier.PLUGIN))
                .because("a plugin can be removed from a running server; the kernel must not need it")
                .check(classes);
    }
}
