package io.promethium.walls;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
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
 *   <li>no kernel module depends on a plugin, nor names a plugin's class or package in a string
 *       constant (a class loaded by name, a configuration PID);</li>
 *   <li>the launcher names no other module's class, package or PID.</li>
 * </ul>
 * A module's tier comes from where its {@code pom.xml} lives in the source tree, so a new module
 * is checked without editing this test. {@code promql-grammar} is kernel: the engine's parser.
 * Test classes are not on this class path: {@link PluginSourceWallsTest} holds a plugin's tests
 * (and its pom) to the plugin wall.
 */
class ModuleWallsTest {

    enum Tier { API, LIB, KERNEL, PLUGIN }

    /** A module: its artifactId and tier. */
    record Module(String artifactId, Tier tier) {
    }

    private static final Pattern ARTIFACT_ID = Pattern.compile(
            "</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL);
    private static final Pattern PACKAGING_POM = Pattern.compile("<packaging>pom</packaging>");

    /** Class-path locations (a jar, or a module's target/classes) and their module. */
    private static final Map<Path, Module> LOCATIONS = new HashMap<>();
    private static final Map<String, Optional<Module>> MODULES = new ConcurrentHashMap<>();
    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() throws IOException {
        Path root = repositoryRoot();
        Map<String, Module> byArtifact = new HashMap<>();
        Map<Path, Module> byDirectory = new HashMap<>();
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
                Module module = new Module(m.group(1), tier);
                byArtifact.put(module.artifactId(), module);
                byDirectory.put(dir.toAbsolutePath().normalize(), module);
            }
        }
        List<Path> paths = new ArrayList<>();
        // Surefire starts the JVM with a manifest-only jar; it names the real class path here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            Module module = null;
            if (Files.isDirectory(path) && path.endsWith(Path.of("target", "classes"))) {
                module = byDirectory.get(path.getParent().getParent());
            } else if (path.toString().endsWith(".jar") && !path.toString().endsWith("-tests.jar")) {
                String name = path.getFileName().toString();
                String version = path.getParent().getFileName().toString();
                if (version.equals("target")) {
                    // In a reactor build a module's own jar: <module>/target/<artifactId>-<version>.jar.
                    Module own = byDirectory.get(path.getParent().getParent());
                    if (own != null && name.startsWith(own.artifactId() + "-")) {
                        module = own;
                    }
                } else if (name.endsWith("-" + version + ".jar")) {
                    // A local repository's layout: <artifactId>/<version>/<artifactId>-<version>.jar.
                    module = byArtifact.get(name.substring(0, name.length() - version.length() - 5));
                }
            }
            if (module != null) {
                LOCATIONS.put(path, module);
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
        Module m = module(type);
        return m == null ? null : m.tier();
    }

    static Module module(JavaClass type) {
        // An array of our classes belongs where its element class does.
        JavaClass c = type.isArray() ? type.getBaseComponentType() : type;
        // Each rule asks for every dependency of every class: look each class up once.
        return MODULES.computeIfAbsent(c.getName(), name -> lookUp(c)).orElse(null);
    }

    private static Optional<Module> lookUp(JavaClass c) {
        return c.getSource().map(s -> {
            String uri = s.getUri().toString();
            // jar:file:/…/x.jar!/a/B.class, or file:/…/target/classes/a/B.class
            Path file = uri.startsWith("jar:")
                    ? Path.of(URI.create(uri.substring(4, uri.indexOf("!/"))))
                    : Path.of(URI.create(uri));
            for (Map.Entry<Path, Module> e : LOCATIONS.entrySet()) {
                if (file.startsWith(e.getKey())) {
                    return e.getValue();
                }
            }
            return null;
        });
    }

    private static DescribedPredicate<JavaClass> in(Tier tier) {
        return DescribedPredicate.describe("in the " + tier + " tier", c -> tier(c) == tier);
    }

    private static DescribedPredicate<JavaClass> ofTheJdkOrOsgiAnnotations() {
        return DescribedPredicate.describe("of the JDK or the OSGi annotations", c -> {
            JavaClass base = c.isArray() ? c.getBaseComponentType() : c;
            String pkg = base.getPackageName();
            return base.isPrimitive() || pkg.startsWith("java.") || pkg.startsWith("javax.crypto") || pkg.startsWith("javax.net.")
                    || pkg.startsWith("javax.security.") || pkg.startsWith("javax.xml.") || pkg.startsWith("org.w3c.dom")
                    || pkg.startsWith("org.xml.sax") || pkg.startsWith("org.osgi.annotation.");
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

    /**
     * A name in a string reaches a plugin as surely as an import (a class loaded by name, a
     * configuration PID): no kernel class holds a string constant that is a plugin's class or
     * package name.
     */
    @Test
    void kernelNamesNoPluginClassOrPackage() throws IOException {
        Set<String> plugin = names(c -> tier(c) == Tier.PLUGIN);
        assertThat(namesIn(c -> tier(c) == Tier.KERNEL, plugin::contains))
                .as("string constants of kernel classes that name a plugin's class or package").isEmpty();
    }

    /**
     * The launcher starts the framework and the bundles it finds; it names no class, package or
     * PID of another module (tools, flags and configuration PIDs are declared by the bundle that
     * owns them). A PID such as {@code io.promethium.web} is caught as the stem of that module's
     * packages ({@code io.promethium.web.internal...}). The api is the contract every bundle
     * shares, so the launcher may name it (it reaches the {@code Tool} services by that name).
     */
    @Test
    void launcherNamesNoOtherModule() throws IOException {
        Set<String> others = names(c -> tier(c) != null && tier(c) != Tier.API && !isLauncher(c));
        Predicate<String> namesAnother = s -> others.contains(s)
                || s.chars().filter(ch -> ch == '.').count() >= 2 && others.stream().anyMatch(n -> n.startsWith(s + "."));
        assertThat(namesIn(ModuleWallsTest::isLauncher, namesAnother))
                .as("string constants of the launcher that name another module's class or package").isEmpty();
    }

    private static boolean isLauncher(JavaClass c) {
        Module m = module(c);
        return m != null && m.artifactId().equals("promethium-launcher");
    }

    /** The class and package names of the classes {@code which} selects. */
    private static Set<String> names(Predicate<JavaClass> which) {
        Set<String> names = new HashSet<>();
        for (JavaClass c : classes) {
            if (which.test(c)) {
                names.add(c.getName());
                names.add(c.getPackageName());
            }
        }
        return names;
    }

    /** "Class X names Y" for each string constant of a class {@code which} selects that {@code names} accepts. */
    private static List<String> namesIn(Predicate<JavaClass> which, Predicate<String> names) throws IOException {
        List<String> found = new ArrayList<>();
        for (JavaClass c : classes) {
            if (!which.test(c) || c.getSource().isEmpty()) {
                continue;
            }
            try (InputStream in = c.getSource().get().getUri().toURL().openStream()) {
                for (String constant : stringConstants(in)) {
                    if (names.test(constant)) {
                        found.add(c.getName() + " names \"" + constant + "\"");
                    }
                }
            }
        }
        return found;
    }

    /** The string literals of a class file: the CONSTANT_Utf8 entries its CONSTANT_String entries point at (JVMS 4.4). */
    static List<String> stringConstants(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(classFile));
        in.readInt(); // magic
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> strings = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 8 -> strings.add(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // a long or double takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        List<String> out = new ArrayList<>();
        for (int index : strings) {
            out.add(utf8[index]);
        }
        return out;
    }
}
