package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFlagsTest {

    private static final Path HOME = Path.of("/opt/promethium");

    @TempDir
    Path dir;

    @Test
    void aHeaderDeclaresStringAndBoolFlagsWithQuotedHelpAndHomeRelativeDefaults() {
        List<Flags.Spec> specs = BundleFlags.parse(
                "push.disable;type=bool;help=\"Switch off; really, off.\", push.file;default=\"{home}/push.db\"", "push", HOME);
        assertThat(specs).containsExactly(
                new Flags.Spec("push.disable", "false", "Switch off; really, off.", true, "push"),
                new Flags.Spec("push.file", "/opt/promethium/push.db", "", false, "push"));
    }

    @Test
    void aRepeatableFlagIsDeclaredSo() {
        assertThat(BundleFlags.parse("web.x;repeatable=true, web.y", "web", HOME)).extracting(Flags.Spec::repeatable)
                .containsExactly(true, false);
        assertThatThrownBy(() -> BundleFlags.parse("web.x;repeatable=often", "web", HOME)).hasMessageContaining("web.x")
                .hasMessageContaining("repeatable");
    }

    @Test
    void aHiddenFlagIsAcceptedButLeftOutOfTheHelp() {
        List<Flags.Spec> specs = BundleFlags.parse("t.fault;hidden=true;help=\"Fault tests only.\", t.size;help=\"Size.\"", "tsdb", HOME);
        assertThat(specs).extracting(Flags.Spec::hidden).containsExactly(true, false);
        assertThat(Flags.usage(specs)).contains("--t.size").doesNotContain("t.fault");
        assertThat(Flags.documentation(specs, java.util.Set.of())).contains("--t.size").doesNotContain("t.fault");
        assertThatThrownBy(() -> BundleFlags.parse("t.fault;hidden=maybe", "tsdb", HOME)).hasMessageContaining("t.fault")
                .hasMessageContaining("hidden");
    }

    @Test
    void badDeclarationsAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> BundleFlags.parse("x.y;type=int", "b", HOME)).hasMessageContaining("x.y").hasMessageContaining("int");
        assertThatThrownBy(() -> BundleFlags.parse("x.y;colour=red", "b", HOME)).hasMessageContaining("colour");
        assertThatThrownBy(() -> BundleFlags.parse("Bad_Name", "b", HOME)).hasMessageContaining("Bad_Name");
        assertThat(BundleFlags.parse("collector.thermal_zone;type=bool;default=true", "b", HOME).get(0).name())
                .as("underscores as in node_exporter's flags").isEqualTo("collector.thermal_zone");
        assertThatThrownBy(() -> BundleFlags.parse("x;help=\"open", "b", HOME)).hasMessageContaining("quote");
    }

    @Test
    void flagsDeclaredByJarsAreAcceptedOnTheCommandLineAndAnUnreadableJarIsSkipped() throws Exception {
        jar(dir.resolve("a-push.jar"), "push.group-ttl;default=0s;help=\"TTL.\"");
        Files.writeString(dir.resolve("broken.jar"), "not a zip");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Flags.Spec> declared = BundleFlags.scan(List.of(dir), HOME, new PrintStream(err, true, StandardCharsets.UTF_8));
        List<Flags.Spec> specs = Flags.merge(Flags.specs(HOME), declared, System.err);
        Flags flags = Flags.parse(specs, List.of("--push.group-ttl=5m"));
        assertThat(flags.get("push.group-ttl")).isEqualTo("5m");
        assertThat(err.toString(StandardCharsets.UTF_8)).as("reported once, by whoever loads it").isEmpty();
        assertThat(Flags.usage(specs)).contains("Flags of a-push:").contains("--push.group-ttl");
    }

    @Test
    void aFeatureDeclaredByAJarIsAcceptedByEnableFeatureAndListedInTheHelp() throws Exception {
        Path jar = dir.resolve("rules.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(BundleFlags.HEADER, "rules.max-concurrent-evals;default=4");
        manifest.getMainAttributes().putValue(BundleFlags.FEATURES_HEADER, "concurrent-rule-eval, my-feature");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        BundleFlags.Declared declared = BundleFlags.declared(List.of(dir), HOME, System.err);
        assertThat(declared.features()).containsExactly("concurrent-rule-eval", "my-feature");
        List<Flags.Spec> specs = Flags.merge(Flags.specs(HOME), declared.flags(), System.err);
        Flags flags = Flags.parse(specs, declared.features(), List.of("--enable-feature=concurrent-rule-eval"));
        assertThat(flags.get("enable-feature")).isEqualTo("concurrent-rule-eval");
        assertThat(Flags.usage(specs, declared.features())).contains("Features (--enable-feature=NAME,...):")
                .contains("concurrent-rule-eval, my-feature");
        assertThat(Flags.documentation(specs, declared.features()))
                .contains("| <code class=\"text-nowrap\">--rules.max-concurrent-evals</code> |  | `4` | rules |")
                .contains("- `concurrent-rule-eval`");
    }

    @Test
    void aBundleCannotRedeclareATakenFlag() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Flags.Spec> specs = Flags.merge(Flags.specs(HOME),
                List.of(new Flags.Spec("config.file", "x", "", false, "evil")), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(specs.stream().filter(s -> s.name().equals("config.file")).findFirst().orElseThrow().owner()).isEqualTo(Flags.LAUNCHER);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--config.file of evil ignored");
    }

    @Test
    void theFolderFlagsAreReadBeforeTheOthers() {
        String[] args = {"--storage.tsdb.path", "d", "--plugins.dir=/p", "--bundles.dir", "/b", "check", "config"};
        assertThat(Main.preScan(args, "plugins.dir", "x")).isEqualTo("/p");
        assertThat(Main.preScan(args, "bundles.dir", "x")).isEqualTo("/b");
        assertThat(Main.preScan(new String[0], "bundles.dir", "x")).isEqualTo("x");
    }

    private static void jar(Path path, String header) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(BundleFlags.HEADER, header);
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }
}
