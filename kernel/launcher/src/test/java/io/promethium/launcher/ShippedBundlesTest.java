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
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flag or feature of a bundle the distribution ships but that was removed is refused naming the
 * bundle, from the record written at packaging; the launcher itself names none of them.
 */
class ShippedBundlesTest {

    @TempDir
    Path home;

    @Test
    void aFlagOrFeatureOfARemovedBundleIsRefusedNamingTheBundleAndWhereTheDistributionShipsIt() throws Exception {
        Files.createDirectories(home.resolve("bundles"));
        Files.createDirectories(home.resolve("plugins"));
        jar(home.resolve("bundles/promethium-otlp-0.1.0-SNAPSHOT.jar"), "web.enable-otlp-receiver;type=bool;help=\"OTLP.\"",
                "otlp-deltatocumulative, created-timestamp-zero-ingestion");
        jar(home.resolve("bundles/promethium-scrape-0.1.0-SNAPSHOT.jar"), null, "created-timestamp-zero-ingestion");
        jar(home.resolve("plugins/promethium-remote-0.1.0-SNAPSHOT.jar"), "web.enable-remote-write-receiver;type=bool", null);
        ShippedBundles.write(home, new PrintStream(new ByteArrayOutputStream()));
        assertThat(Files.readString(home.resolve(ShippedBundles.FILE), StandardCharsets.UTF_8))
                .contains("flag web.enable-otlp-receiver bundles/promethium-otlp-0.1.0-SNAPSHOT.jar")
                .contains("feature created-timestamp-zero-ingestion bundles/promethium-scrape-0.1.0-SNAPSHOT.jar")
                .contains("flag web.enable-remote-write-receiver plugins/promethium-remote-0.1.0-SNAPSHOT.jar");
        // The OTLP bundle and the remote plugin removed since: nothing installed declares their names.
        Files.delete(home.resolve("bundles/promethium-otlp-0.1.0-SNAPSHOT.jar"));
        Files.delete(home.resolve("plugins/promethium-remote-0.1.0-SNAPSHOT.jar"));
        ShippedBundles shipped = ShippedBundles.read(home);
        List<Flags.Spec> specs = Flags.specs(home);

        assertThatThrownBy(() -> Flags.parse(specs, Set.of(), shipped, List.of("--web.enable-otlp-receiver")))
                .hasMessage("flag --web.enable-otlp-receiver is declared by promethium-otlp, which is not installed"
                        + " (the distribution ships it as bundles/promethium-otlp-0.1.0-SNAPSHOT.jar)");
        assertThatThrownBy(() -> Flags.parse(specs, Set.of(), shipped, List.of("--web.enable-remote-write-receiver")))
                .hasMessageContaining("promethium-remote, which is not installed")
                .hasMessageContaining("plugins/promethium-remote-0.1.0-SNAPSHOT.jar");
        assertThatThrownBy(() -> Flags.parse(specs, Set.of(), shipped, List.of("--enable-feature=otlp-deltatocumulative")))
                .hasMessage("--enable-feature=otlp-deltatocumulative is implemented by promethium-otlp, which is not installed"
                        + " (the distribution ships it as bundles/promethium-otlp-0.1.0-SNAPSHOT.jar)");
        // A feature an installed bundle still implements is fine; with none, every shipped owner is named.
        assertThat(Flags.parse(specs, Set.of("created-timestamp-zero-ingestion"), shipped,
                List.of("--enable-feature=created-timestamp-zero-ingestion")).get("enable-feature"))
                .isEqualTo("created-timestamp-zero-ingestion");
        assertThatThrownBy(() -> Flags.parse(specs, Set.of(), shipped, List.of("--enable-feature=created-timestamp-zero-ingestion")))
                .hasMessageContaining("promethium-otlp or promethium-scrape, which are not installed");
        // Without the record (a flat class path), Prometheus's answer.
        assertThatThrownBy(() -> Flags.parse(specs, Set.of(), ShippedBundles.NONE, List.of("--web.enable-otlp-receiver")))
                .hasMessageContaining("unknown long flag '--web.enable-otlp-receiver'");
    }

    @Test
    void theOwnerIsTheJarNameWithoutFolderAndVersion() {
        assertThat(ShippedBundles.owner("bundles/promethium-otlp-0.1.0-SNAPSHOT.jar")).isEqualTo("promethium-otlp");
        assertThat(ShippedBundles.owner("plugins/promethium-discovery-aws-1.2.jar")).isEqualTo("promethium-discovery-aws");
        assertThat(ShippedBundles.owner("plugins/mycorp.jar")).isEqualTo("mycorp");
    }

    private static void jar(Path path, String flags, String features) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (flags != null) {
            manifest.getMainAttributes().putValue(BundleFlags.HEADER, flags);
        }
        if (features != null) {
            manifest.getMainAttributes().putValue(BundleFlags.FEATURES_HEADER, features);
        }
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }
}
