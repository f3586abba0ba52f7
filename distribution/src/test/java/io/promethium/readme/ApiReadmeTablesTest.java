package io.promethium.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.readme.ApiReadmeTables.Export;
import io.promethium.readme.ApiReadmeTables.Version;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code api/README.md}'s version tables say what the server's manifests say: every package the
 * api exports with its version, and every listed platform library's packages with the versions
 * and artifact the server ships. The manifests are read from the distribution's runtime class
 * path (what the tarball's {@code lib/} and {@code bundles/} are made of), handed over by the
 * build in {@code promethium.runtime.classpath}. A difference fails naming the package; with
 * {@code -Dpromethium.api-table.write=true} (what {@code distribution/dev/api-table} passes) the
 * README is rewritten first.
 */
class ApiReadmeTablesTest {

    private static Path readme;
    private static List<Export> exports;

    @BeforeAll
    static void readTheManifests() throws IOException {
        String classpath = System.getProperty("promethium.runtime.classpath");
        assertThat(classpath).as("the build's promethium.runtime.classpath (distribution/pom.xml sets it)")
                .isNotBlank().doesNotStartWith("${");
        exports = ApiReadmeTables.exports(Arrays.stream(classpath.split(File.pathSeparator)).map(Path::of).toList());
        readme = Path.of("").toAbsolutePath().getParent().resolve("api/README.md");
        if (Boolean.getBoolean("promethium.api-table.write")) {
            String text = Files.readString(readme);
            String rewritten = ApiReadmeTables.rewrite(text, exports);
            if (!rewritten.equals(text)) {
                Files.writeString(readme, rewritten);
                System.out.println("rewrote " + readme);
            }
        }
    }

    @Test
    void theReadmesTablesSayWhatTheManifestsSay() throws IOException {
        assertThat(ApiReadmeTables.differences(Files.readString(readme), exports))
                .as("api/README.md against the manifests: run distribution/dev/api-table (and describe any new package)")
                .isEmpty();
    }

    @Test
    void aBumpedPackageIsNamedWithBothVersions() throws IOException {
        String text = upToDate();
        List<Export> bumped = exports.stream().map(e -> e.bundle().equals(ApiReadmeTables.API_BUNDLE)
                && e.pkg().equals("io.promethium.api.storage") ? new Export(e.pkg(), new Version(e.version().major(),
                e.version().minor() + 1, 0), e.bundle(), e.artifact()) : e).toList();
        Version now = exports.stream().filter(e -> e.pkg().equals("io.promethium.api.storage")).findFirst().orElseThrow().version();
        assertThat(ApiReadmeTables.differences(text, bumped)).containsExactly("io.promethium.api.storage: the README says "
                + now + ", the api exports " + now.major() + "." + (now.minor() + 1));
        assertThat(ApiReadmeTables.differences(ApiReadmeTables.rewrite(text, bumped), bumped)).isEmpty();
    }

    @Test
    void aNewPackageNeedsItsDescriptionAndAGoneOneIsNamed() throws IOException {
        String text = upToDate();
        List<Export> changed = new java.util.ArrayList<>(exports.stream()
                .filter(e -> !e.pkg().equals("io.promethium.api.tool")).toList());
        changed.add(new Export("io.promethium.api.fresh", new Version(1, 0, 0), ApiReadmeTables.API_BUNDLE, "io.promethium:promethium-api"));
        assertThat(ApiReadmeTables.differences(text, changed)).containsExactlyInAnyOrder(
                "io.promethium.api.fresh: exported by the api at 1.0, missing from the README's table",
                "io.promethium.api.fresh: no description of what a plugin does with it (the table's last column)",
                "io.promethium.api.tool: in the README's table, not exported by the api");
        String rewritten = ApiReadmeTables.rewrite(text, changed);
        assertThat(rewritten).contains("| `io.promethium.api.fresh` | 1.0 |  |\n").doesNotContain("`io.promethium.api.tool` |");
        assertThat(ApiReadmeTables.differences(rewritten, changed))
                .containsExactly("io.promethium.api.fresh: no description of what a plugin does with it (the table's last column)");
    }

    @Test
    void aLibraryShippedAtAnotherVersionIsNamedByPackage() throws IOException {
        String text = upToDate();
        List<Export> newer = exports.stream().map(e -> e.pkg().equals("org.yaml.snakeyaml")
                ? new Export(e.pkg(), new Version(9, 9, 0), e.bundle(), "org.yaml:snakeyaml:9.9") : e).toList();
        assertThat(ApiReadmeTables.differences(text, newer)).anySatisfy(d -> assertThat(d)
                .startsWith("org.yaml.snakeyaml (SnakeYAML): the README says ").endsWith(", the server's bundles export 9.9"));
        List<Export> gone = exports.stream().filter(e -> !e.pkg().equals("org.yaml.snakeyaml")).toList();
        assertThatThrownBy(() -> ApiReadmeTables.rewrite(text, gone))
                .hasMessage("org.yaml.snakeyaml (SnakeYAML): exported by no bundle the server ships");
    }

    @Test
    void theHandWrittenDescriptionsAreKeptRowByRow() throws IOException {
        String text = Files.readString(readme);
        String rewritten = ApiReadmeTables.rewrite(text, exports);
        for (String line : text.lines().filter(l -> l.startsWith("| `io.promethium.api.")).toList()) {
            String description = line.substring(line.indexOf(" | ", line.indexOf(" | ") + 3) + 3);
            assertThat(rewritten).contains(description);
        }
    }

    /** The README as the manifests make it, so that these checks hold whether or not the file is stale. */
    private static String upToDate() throws IOException {
        return ApiReadmeTables.rewrite(Files.readString(readme), exports);
    }
}
