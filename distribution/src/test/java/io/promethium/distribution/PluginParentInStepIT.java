package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * promethium-plugin-parent has no parent (it must resolve from the tarball's sdk/ alone), so it
 * repeats what the server is built with: the library versions a plugin compiles and tests
 * against and the bnd instructions. This keeps the copies equal to the root pom's.
 */
class PluginParentInStepIT {

    private static final Path ROOT = Path.of("..");

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as("<" + name + "> in the pom").isTrue();
        return m.group(1).strip();
    }

    /** The bnd instructions without comments and blank lines. */
    private static List<String> bnd(String pom) {
        Matcher m = Pattern.compile("<bnd><!\\[CDATA\\[(.*?)]]></bnd>", Pattern.DOTALL).matcher(pom);
        assertThat(m.find()).as("bnd instructions in the pom").isTrue();
        return m.group(1).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void theLibraryVersionsAreTheServers() throws IOException {
        String root = read("pom.xml");
        String parent = read("distribution/sdk/plugin-parent/pom.xml");
        for (String name : List.of("maven.compiler.release", "jackson.version", "junit.version", "assertj.version", "bnd.version")) {
            assertThat(property(parent, name)).as(name).isEqualTo(property(root, name));
        }
        Matcher snakeyaml = Pattern.compile("<artifactId>snakeyaml</artifactId><version>([^<]*)</version>").matcher(read("distribution/pom.xml"));
        assertThat(snakeyaml.find()).as("snakeyaml in the tarball").isTrue();
        assertThat(property(parent, "snakeyaml.version")).isEqualTo(snakeyaml.group(1));
        assertThat(property(parent, "promethium.version")).isEqualTo(property(root, "version"));
    }

    @Test
    void theBndInstructionsAreTheServers() throws IOException {
        assertThat(bnd(read("distribution/sdk/plugin-parent/pom.xml"))).isEqualTo(bnd(read("pom.xml")));
    }
}
