package io.promethium.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md is where a newcomer finds what each module is for: every module of the
 * build that has code must be in its map, by path ({@code kernel/admin}), in a group of siblings
 * ({@code plugins-notifiers/{opsgenie,sns}}) or by artifact id (a literal one, or a pattern such
 * as {@code promethium-*-archetype}). A module added without a row fails here, naming it.
 */
class ArchitectureModuleMapTest {

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern PARENT = Pattern.compile("<parent>.*?</parent>", Pattern.DOTALL);
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");
    /** An artifact id pattern in code quotes, such as {@code promethium-*-archetype}. */
    private static final Pattern ARTIFACT_GLOB = Pattern.compile("`([\\w.-]*\\*[\\w.*-]*)`");

    private final Path root = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyModuleWithCodeIsInTheArchitectureMap() throws IOException {
        String map = Files.readString(root.resolve("docs/architecture.md"));
        List<String> modules = new ArrayList<>();
        collect(root, modules);
        assertThat(modules).as("modules read from the root pom").hasSizeGreaterThan(50).contains("kernel/web");
        List<String> missing = new ArrayList<>();
        for (String module : modules) {
            if (!named(map, module)) {
                missing.add(module);
            }
        }
        assertThat(missing).as("modules docs/architecture.md does not name (add a row saying what each is for)").isEmpty();
    }

    @Test
    void aModuleNamedNowhereIsFound() {
        assertThat(named("| `kernel/web` | ... |", "kernel/admin")).isFalse();
        assertThat(named("`plugins-notifiers/{opsgenie,sns}`", "plugins-notifiers/sns")).isTrue();
        assertThat(named("`plugins-notifiers/{opsgenie,snsv2}`", "plugins-notifiers/sns")).isFalse();
    }

    private void collect(Path dir, List<String> into) throws IOException {
        Matcher m = MODULE.matcher(Files.readString(dir.resolve("pom.xml")));
        while (m.find()) {
            Path module = dir.resolve(m.group(1)).normalize();
            if (Files.isDirectory(module.resolve("src"))) {
                into.add(root.relativize(module).toString().replace('\\', '/'));
            }
            collect(module, into);
        }
    }

    private boolean named(String map, String module) {
        if (map.contains("`" + module + "`") || map.contains("`" + module + "/`")) {
            return true;
        }
        int slash = module.lastIndexOf('/');
        if (slash > 0) {
            String group = Pattern.quote(module.substring(0, slash)) + "/\\{([^}`]*)\\}";
            Matcher g = Pattern.compile(group).matcher(map);
            while (g.find()) {
                if (List.of(g.group(1).split(",")).contains(module.substring(slash + 1))) {
                    return true;
                }
            }
        }
        String artifact = artifactId(module);
        if (artifact == null) {
            return false;
        }
        if (map.contains("`" + artifact + "`")) {
            return true;
        }
        Matcher glob = ARTIFACT_GLOB.matcher(map);
        while (glob.find()) {
            if (artifact.matches(Pattern.quote(glob.group(1)).replace("*", "\\E.*\\Q"))) {
                return true;
            }
        }
        return false;
    }

    private String artifactId(String module) {
        Path pom = root.resolve(module).resolve("pom.xml");
        try {
            Matcher a = ARTIFACT.matcher(PARENT.matcher(Files.readString(pom)).replaceFirst(""));
            return a.find() ? a.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
