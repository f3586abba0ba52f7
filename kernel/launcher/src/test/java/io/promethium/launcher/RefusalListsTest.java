package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The launcher's lists of refused Prometheus flags and features against what the repository says
 * and declares: docs/configuration.md's "Refused flags" table names exactly the refused ones (read
 * from the page, as PromtoolTestDataDifferentialIT reads its table, so the page cannot drift), and
 * no bundle of the repository declares a name the launcher refuses (a flag implemented since must
 * leave the lists, or its users would still be told it is refused).
 */
class RefusalListsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    private static final Pattern CODE = Pattern.compile("`(--[^`]+)`");

    @Test
    void theDocumentedTableListsExactlyTheFlagsAndFeaturesTheLauncherRefuses() throws IOException {
        Set<String> documentedFlags = new TreeSet<>();
        Set<String> documentedFeatures = new TreeSet<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(ROOT.resolve("docs/configuration.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Refused flags");
            } else if (inSection && line.startsWith("| `--")) {
                Matcher m = CODE.matcher(line.substring(0, line.indexOf(" |", 2)));
                while (m.find()) {
                    String name = m.group(1).substring(2);
                    if (name.startsWith("enable-feature=")) {
                        documentedFeatures.add(name.substring("enable-feature=".length()));
                    } else {
                        documentedFlags.add(name);
                    }
                }
            }
        }
        Set<String> refusedFlags = new TreeSet<>(PrometheusFlags.NOT_SUPPORTED.keySet());
        refusedFlags.addAll(PrometheusFlags.REMOVED.keySet());
        refusedFlags.addAll(PrometheusFlags.GO_RUNTIME.keySet());
        assertThat(documentedFlags).as("flags in docs/configuration.md's Refused flags table").isEqualTo(refusedFlags);
        assertThat(documentedFeatures).as("features in docs/configuration.md's Refused flags table")
                .isEqualTo(new TreeSet<>(PrometheusFlags.FEATURES_NOT_SUPPORTED.keySet()));
    }

    @Test
    void noBundleOfTheRepositoryDeclaresAFlagOrFeatureTheLauncherRefuses() throws IOException {
        Set<String> declaredFlags = new TreeSet<>();
        Set<String> declaredFeatures = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(ROOT)) {
            for (Path bnd : walk.filter(p -> p.getFileName().toString().equals("bnd.bnd") && !p.toString().contains("/target/")).toList()) {
                Properties headers = new Properties();
                try (Reader in = Files.newBufferedReader(bnd, StandardCharsets.UTF_8)) {
                    headers.load(in);
                }
                String flags = headers.getProperty(BundleFlags.HEADER);
                if (flags != null) {
                    BundleFlags.parse(flags, bnd.toString(), ROOT).forEach(spec -> declaredFlags.add(spec.name()));
                }
                String features = headers.getProperty(BundleFlags.FEATURES_HEADER);
                if (features != null) {
                    for (String f : features.split(",")) {
                        declaredFeatures.add(f.strip());
                    }
                }
            }
        }
        assertThat(declaredFlags).as("flags the bundles declare").contains("web.enable-otlp-receiver", "storage.tsdb.path");
        assertThat(declaredFeatures).as("features the bundles declare").contains("otlp-deltatocumulative", "exemplar-storage");
        Set<String> refusedFlags = new TreeSet<>(PrometheusFlags.NOT_SUPPORTED.keySet());
        refusedFlags.addAll(PrometheusFlags.REMOVED.keySet());
        refusedFlags.addAll(PrometheusFlags.GO_RUNTIME.keySet());
        refusedFlags.retainAll(declaredFlags);
        assertThat(refusedFlags).as("refused by the launcher yet declared by a bundle").isEmpty();
        Set<String> refusedFeatures = new TreeSet<>(PrometheusFlags.FEATURES_NOT_SUPPORTED.keySet());
        refusedFeatures.addAll(PrometheusFlags.FEATURES_GONE_IN_3.keySet());
        refusedFeatures.retainAll(declaredFeatures);
        assertThat(refusedFeatures).as("refused (or dropped by Prometheus 3) yet declared by a bundle").isEmpty();
    }
}
