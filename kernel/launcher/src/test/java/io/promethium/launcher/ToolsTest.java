package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.tool.Tool;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolsTest {

    /** {@code echo ...}: prints its arguments, exits 0. */
    public static final class Echo implements Tool {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public String help() {
            return "WORDS...  Print the words.";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) {
            out.println("echo " + args);
            return 0;
        }
    }

    /** {@code echo deep ...}: a longer name sharing the first word; exits 3 to be told apart. */
    public static final class EchoDeep implements Tool {
        @Override
        public String name() {
            return "echo deep";
        }

        @Override
        public String help() {
            return "WORDS...  Print the words deeply.";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) {
            out.println("deep " + args);
            return 3;
        }
    }

    /** A second {@code echo}: reported and left out. */
    public static final class EchoAgain extends Tool0 {
    }

    /** Base of {@link EchoAgain}. */
    public abstract static class Tool0 implements Tool {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public String help() {
            return "";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) {
            throw new AssertionError("the first echo runs");
        }
    }

    @TempDir
    Path dir;
    private Path bundles;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void bundleListingTheTools() throws Exception {
        bundles = Files.createDirectories(dir.resolve("bundles"));
        Files.createDirectories(dir.resolve("plugins"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(bundles.resolve("tools.jar")); JarOutputStream jar = new JarOutputStream(file, manifest)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + Tool.class.getName()));
            jar.write((Echo.class.getName() + "\n" + EchoDeep.class.getName() + "\n" + EchoAgain.class.getName() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
    }

    private int main(String... command) {
        String[] args = new String[command.length + 2];
        args[0] = "--bundles.dir=" + bundles;
        args[1] = "--plugins.dir=" + dir.resolve("plugins");
        System.arraycopy(command, 0, args, 2, command.length);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try {
            return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void theToolWhoseNameIsTheLongestRunOfLeadingWordsRunsWithTheWordsAfterIt() {
        assertThat(main("echo", "deep", "a", "b")).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("deep [a, b]\n");
        out.reset();
        assertThat(main("echo", "shallow")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("echo [shallow]\n");
    }

    /** kingpin takes a parent command's flags before the next command word: {@code promtool test --junit=F rules}. */
    @Test
    void flagsBetweenTheWordsOfAToolsNameGoToThatToolFirst() {
        assertThat(main("echo", "--x=1", "deep", "a")).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("deep [--x=1, a]\n");
        out.reset();
        assertThat(main("echo", "--junit", "f.xml", "deep", "a")).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("deep [--junit, f.xml, a]\n");
        out.reset();
        assertThat(main("echo", "--debug", "deep")).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("deep [--debug]\n");
        out.reset();
        assertThat(main("echo", "--x=1", "shallow")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("echo [--x=1, shallow]\n");
    }

    @Test
    void aSecondToolOfTheSameNameIsReportedAndLeftOut() {
        assertThat(main("echo")).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tool 'echo' of " + EchoAgain.class.getName() + " ignored");
    }

    @Test
    void anUnknownCommandIsAUsageErrorListingTheInstalledTools() {
        // promtool exits 1 on an unknown command (kingpin's MustParse), not the server's 2.
        assertThat(main("frobnicate", "x")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate x'")
                .contains("  echo WORDS...").contains("Print the words.").contains("  echo deep WORDS...");
    }

    @Test
    void anUnknownFlagBeforeAToolCommandExitsOneAsPromtool() {
        assertThat(main("--bogus", "echo", "x")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown long flag '--bogus'");
    }

    /**
     * {@code promtool --enable-feature=X check rules}: promtool's global flag before the command
     * words is the tool's, handed to it first; the server's feature check does not see it.
     */
    @Test
    void enableFeatureBeforeAToolCommandGoesToTheTool() {
        assertThat(main("--enable-feature=promql-experimental-functions,nope", "--enable-feature", "x", "echo", "a")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("echo [--enable-feature=promql-experimental-functions,nope, --enable-feature=x, a]\n");
    }

    @Test
    void helpListsTheInstalledTools() {
        assertThat(main("--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(help).contains("  server (default)").contains("  echo deep WORDS...").contains("Print the words deeply.");
    }

    /** A service the plugin jars of {@link #candidatePluginsAreAddedToTheInstalledOnesAndReplaceTheSameBundle} provide. */
    public interface Probe {
    }

    public static final class BundledProbe implements Probe {
    }

    public static final class OtherInstalledProbe implements Probe {
    }

    public static final class InstalledSdProbe implements Probe {
    }

    public static final class CandidateSdProbe implements Probe {
    }

    public static final class NewPluginProbe implements Probe {
    }

    /** {@code probes}: prints the {@link Probe} providers the tools' class path lists, in its order. */
    public static final class Probes implements Tool {
        @Override
        public String name() {
            return "probes";
        }

        @Override
        public String help() {
            return "";
        }

        @Override
        public int run(List<String> args, PrintStream out, PrintStream err) {
            List<String> found = new java.util.ArrayList<>();
            java.util.ServiceLoader.load(Probe.class, Thread.currentThread().getContextClassLoader())
                    .forEach(p -> found.add(p.getClass().getSimpleName()));
            out.println(found);
            return 0;
        }
    }

    private static void jar(Path file, String symbolicName, Class<?> service, Class<?>... providers) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName + ";singleton:=true");
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(os, manifest)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
            for (Class<?> provider : providers) {
                jar.write((provider.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            jar.closeEntry();
        }
    }

    @Test
    void candidatePluginsAreAddedToTheInstalledOnesAndReplaceTheSameBundle() throws Exception {
        jar(bundles.resolve("probes-tool.jar"), "core.probes", Tool.class, Probes.class);
        jar(bundles.resolve("probe.jar"), "core.probe", Probe.class, BundledProbe.class);
        jar(dir.resolve("plugins/other.jar"), "p.other", Probe.class, OtherInstalledProbe.class);
        jar(dir.resolve("plugins/sd-1.jar"), "p.sd", Probe.class, InstalledSdProbe.class);
        Path candidates = Files.createDirectories(dir.resolve("candidates"));
        jar(candidates.resolve("new.jar"), "p.new", Probe.class, NewPluginProbe.class);
        jar(candidates.resolve("sd-2.jar"), "p.sd", Probe.class, CandidateSdProbe.class);

        assertThat(main("probes")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[BundledProbe, OtherInstalledProbe, InstalledSdProbe]\n");
        out.reset();
        // After the command words: added, the installed p.sd replaced, the candidates last (a tool takes the last provider of a type).
        assertThat(main("probes", "--plugins.dir=" + candidates)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[BundledProbe, OtherInstalledProbe, NewPluginProbe, CandidateSdProbe]\n");
        out.reset();
        assertThat(main("probes", "--plugins.dir", dir.resolve("absent").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--plugins.dir: '" + dir.resolve("absent") + "' is not a folder");
    }
}
