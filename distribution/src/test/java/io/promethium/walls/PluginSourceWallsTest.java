package io.promethium.walls;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.walls.ModuleWallsTest.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin wall of {@link ModuleWallsTest}, for the code that test cannot see: a plugin's tests.
 * {@link ModuleWallsTest} checks the compiled main classes on the distribution's class path; a
 * plugin's test classes are never there. A plugin's tests are what a third-party author copies,
 * and what the test kit ({@code promethium-plugin-testkit}) is for, so they obey the same wall:
 * <ul>
 *   <li>no source file of a plugin ({@code plugins-*}{@code /*}, main or test) names a kernel
 *       package, by import or fully qualified name (comments aside);</li>
 *   <li>no plugin's {@code pom.xml} depends on a kernel module, in any scope (which also rules out
 *       a kernel class reached by name, such as through {@code META-INF/services}).</li>
 * </ul>
 * The kernel's packages and artifacts are read from the source tree (every module under
 * {@code kernel/} but the library tier {@code kernel/lib/*}, and {@code promql-grammar}), as
 * {@link ModuleWallsTest} reads tiers, so a new module is checked without editing this test. It
 * reads sources, not classes, so it needs nothing built.
 */
class PluginSourceWallsTest {

    private static final Pattern ARTIFACT_ID = Pattern.compile(
            "</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL);
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>.*?<artifactId>([^<]+)</artifactId>.*?</dependency>", Pattern.DOTALL);
    /** A dotted name under io.promethium: its package part is the run of lower-case segments. */
    private static final Pattern NAME = Pattern.compile("\\bio\\.promethium(?:\\.[a-z_][a-z0-9_]*)+");

    private static Path root;
    private static final Set<String> KERNEL_PACKAGES = new TreeSet<>();
    private static final Set<String> KERNEL_ARTIFACTS = new TreeSet<>();
    private static final List<Path> PLUGINS = new ArrayList<>();

    @BeforeAll
    static void readTheSourceTree() throws IOException {
        root = repositoryRoot();
        try (Stream<Path> poms = Files.walk(root, 4)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml")).toList()) {
                Path dir = pom.getParent();
                if (dir.getFileName().toString().equals("target")) {
                    continue;
                }
                Tier tier = ModuleWallsTest.tierOf(root.relativize(dir));
                if (tier == Tier.KERNEL) {
                    Matcher m = ARTIFACT_ID.matcher(Files.readString(pom));
                    assertThat(m.find()).as("artifactId in %s", pom).isTrue();
                    KERNEL_ARTIFACTS.add(m.group(1));
                    KERNEL_PACKAGES.addAll(packagesUnder(dir.resolve("src/main/java")));
                } else if (tier == Tier.PLUGIN) {
                    PLUGINS.add(dir);
                }
            }
        }
    }

    @Test
    void theSourceTreeHoldsKernelModulesAndPlugins() {
        // Guards the rules below against passing on an empty set (a layout this test misreads).
        assertThat(KERNEL_PACKAGES).contains("io.promethium.config.http", "io.promethium.templates");
        assertThat(KERNEL_ARTIFACTS).contains("promethium-config", "promethium-http", "promethium-templates");
        assertThat(PLUGINS).anyMatch(p -> p.endsWith(Path.of("plugins-discovery", "vultr")))
                .anyMatch(p -> p.endsWith(Path.of("plugins-notifiers", "email")));
    }

    @Test
    void pluginSourcesMainAndTestNameNoKernelPackage() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path plugin : PLUGINS) {
            for (String set : List.of("src/main/java", "src/test/java")) {
                Path sources = plugin.resolve(set);
                if (!Files.isDirectory(sources)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(sources)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        String code = withoutComments(Files.readString(file));
                        Matcher m = NAME.matcher(code);
                        while (m.find()) {
                            if (KERNEL_PACKAGES.contains(m.group())) {
                                found.add(root.relativize(file) + ":" + lineOf(code, m.start()) + " names " + m.group());
                            }
                        }
                    }
                }
            }
        }
        assertThat(found).as("kernel packages named by plugin sources (a plugin's tests take the server's "
                + "http_config client and templates from promethium-plugin-testkit)").isEmpty();
    }

    @Test
    void pluginPomsDependOnNoKernelModuleInAnyScope() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path plugin : PLUGINS) {
            Matcher m = DEPENDENCY.matcher(Files.readString(plugin.resolve("pom.xml")));
            while (m.find()) {
                if (KERNEL_ARTIFACTS.contains(m.group(1))) {
                    found.add(root.relativize(plugin.resolve("pom.xml")) + " depends on " + m.group(1));
                }
            }
        }
        assertThat(found).as("kernel modules in plugin poms (use promethium-plugin-testkit at test scope)").isEmpty();
    }

    /** The packages of the Java files under a source root. */
    private static Set<String> packagesUnder(Path sources) throws IOException {
        Set<String> packages = new TreeSet<>();
        if (!Files.isDirectory(sources)) {
            return packages;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = sources.relativize(file.getParent());
                packages.add(dir.toString().replace(dir.getFileSystem().getSeparator(), "."));
            }
        }
        return packages;
    }

    /**
     * Java source with its comments blanked (newlines kept, so line numbers hold); string and
     * character literals are kept, since a class named in a string is loaded by that name.
     */
    static String withoutComments(String code) {
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
                while (i < n && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) {
                    if (code.charAt(i) == '\n') {
                        out.append('\n');
                    }
                }
            } else if (c == '"' || c == '\'') {
                // A literal (a text block included): copied up to its unescaped closing quote.
                boolean textBlock = c == '"' && code.startsWith("\"\"\"", i);
                String close = textBlock ? "\"\"\"" : String.valueOf(c);
                int j = i + close.length();
                while (j < n && !code.startsWith(close, j)) {
                    j += code.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(n, j + close.length());
                out.append(code, i, j);
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("api")) && Files.isDirectory(dir.resolve("kernel")))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root above %s", System.getProperty("user.dir")).isNotNull();
        return dir;
    }
}
