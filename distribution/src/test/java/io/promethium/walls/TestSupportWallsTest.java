package io.promethium.walls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wall between the build's own test support ({@code promethium-test-support}, module
 * {@code distribution/test-support}, package {@code io.promethium.testsupport}) and what plugin
 * authors get:
 * <ul>
 *   <li>nothing under {@code api/} (its test jar is shipped in the SDK) or {@code distribution/sdk/}
 *       (the test kit, the parent, the archetypes) names the package or the artifact, comments
 *       aside;</li>
 *   <li>every pom that depends on it does so at test scope;</li>
 *   <li>the tarball's assembly does not name it.</li>
 * </ul>
 * It reads sources, not classes, so it needs nothing built.
 */
class TestSupportWallsTest {

    private static final String PACKAGE = "io.promethium.testsupport";
    private static final String ARTIFACT = "promethium-test-support";
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>(?:(?!</dependency>).)*?<artifactId>" + ARTIFACT + "</artifactId>(?:(?!</dependency>).)*</dependency>",
            Pattern.DOTALL);

    private static Path root;

    @BeforeAll
    static void findTheRepository() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("api")) && Files.isDirectory(dir.resolve("kernel")))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root above %s", System.getProperty("user.dir")).isNotNull();
        root = dir;
    }

    @Test
    void whatAuthorsGetNamesNoInternalTestSupport() throws IOException {
        List<String> found = new ArrayList<>();
        int read = 0;
        for (Path top : List.of(root.resolve("api"), root.resolve("distribution/sdk"))) {
            try (Stream<Path> files = Files.walk(top)) {
                for (Path file : files.filter(Files::isRegularFile).filter(TestSupportWallsTest::isSource).toList()) {
                    read++;
                    String text = Files.readString(file);
                    if (file.toString().endsWith(".java")) {
                        text = PluginSourceWallsTest.withoutComments(text);
                    } else if (file.getFileName().toString().equals("pom.xml")) {
                        text = text.replaceAll("(?s)<!--.*?-->", "");
                    }
                    if (text.contains(PACKAGE) || text.contains(ARTIFACT)) {
                        found.add(root.relativize(file).toString());
                    }
                }
            }
        }
        // Guards the rule against passing on a layout it misreads.
        assertThat(read).as("source files read under api/ and distribution/sdk/").isGreaterThan(50);
        assertThat(found).as("files of the api or the plugin SDK naming %s (use the api test jar's or the test kit's "
                + "helpers, or add the helper an author needs there)", PACKAGE).isEmpty();
    }

    @Test
    void everyDependencyOnTestSupportIsTestScoped() throws IOException {
        List<String> found = new ArrayList<>();
        int dependents = 0;
        try (Stream<Path> poms = Files.walk(root, 4)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/")).toList()) {
                Matcher m = DEPENDENCY.matcher(Files.readString(pom));
                while (m.find()) {
                    dependents++;
                    if (!m.group().contains("<scope>test</scope>")) {
                        found.add(root.relativize(pom).toString());
                    }
                }
            }
        }
        assertThat(dependents).as("poms that depend on %s", ARTIFACT).isGreaterThan(10);
        assertThat(found).as("poms depending on %s outside test scope", ARTIFACT).isEmpty();
    }

    @Test
    void theTarballDoesNotShipIt() throws IOException {
        Path assembly = root.resolve("distribution/src/main/assembly/dist.xml");
        assertThat(Files.readString(assembly)).as("%s", assembly).doesNotContain(ARTIFACT);
    }

    private static boolean isSource(Path file) {
        String path = file.toString();
        if (path.contains("/target/")) {
            return false;
        }
        String name = file.getFileName().toString();
        return name.endsWith(".java") || name.endsWith(".xml") || name.endsWith(".properties")
                || name.endsWith(".vm") || name.endsWith(".bnd");
    }
}
