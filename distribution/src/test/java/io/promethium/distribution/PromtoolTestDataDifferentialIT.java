package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus v2.42.0's own test data ({@code config/testdata} and the config and unit-test files
 * of {@code cmd/promtool/testdata}, in {@code src/test/resources/prometheus-v2.42.0-testdata}
 * under Prometheus's Apache 2.0 licence): {@code bin/promethium check config} and {@code test
 * rules} against the Debian {@code promtool} 2.42 on the same files. The verdicts (success or
 * failure) differ on exactly the files the table in {@code docs/configuration.md} lists, read from
 * the page itself, so the page and the behaviour cannot drift apart.
 */
class PromtoolTestDataDifferentialIT {

    /** The config files of {@code cmd/promtool/testdata} (the rest are rule and unit-test files). */
    private static final List<String> PROMTOOL_CONFIGS = List.of("authorization_credentials_file.bad.yml",
            "authorization_credentials_file.good.yml", "bad-sd-file-format.yml", "config_with_rule_files.yml",
            "config_with_service_discovery_files.yml", "config_with_tls_files.yml", "prometheus-config.bad.yml",
            "prometheus-config.good.yml", "prometheus-config.lint.yml", "url_in_alert_targetgroup_with_relabel_config.bad.yml",
            "url_in_alert_targetgroup_with_relabel_config.good.yml", "url_in_scrape_targetgroup_with_relabel_config.bad.yml",
            "url_in_scrape_targetgroup_with_relabel_config.good.yml");
    private static final String UNIT_TEST = "cmd/promtool/testdata/unittest.yml";
    private static final Pattern TABLE_FILE = Pattern.compile("^\\| `((?:config|cmd/promtool)/testdata/[^`]+)`");

    private static ServerProcess server;
    private static Path data;

    @BeforeAll
    static void copyTheTestData() throws Exception {
        server = ServerProcess.prepare();
        data = Files.createTempDirectory("prometheus-testdata-");
        Path from = Path.of(PromtoolTestDataDifferentialIT.class.getResource("/prometheus-v2.42.0-testdata/LICENSE").toURI()).getParent();
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = data.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (server != null) {
            server.close();
        }
        if (data != null) {
            ServerProcess.deleteTree(data);
        }
    }

    @Test
    void verdictsDifferFromPromtoolsOnExactlyTheFilesTheConfigurationPageLists() throws Exception {
        Path promtool = Peers.require("promtool");
        String promethium = server.home.resolve("bin/promethium").toString();
        Set<String> differing = new TreeSet<>();
        Path config = data.resolve("config/testdata");
        List<String> configFiles;
        try (Stream<Path> files = Files.list(config)) {
            configFiles = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
        }
        assertThat(configFiles).hasSizeGreaterThan(100);
        differing.addAll(differences(config, "config/testdata/", configFiles, promtool.toString(), promethium));
        differing.addAll(differences(data.resolve("cmd/promtool/testdata"), "cmd/promtool/testdata/", PROMTOOL_CONFIGS,
                promtool.toString(), promethium));
        Path unitTest = data.resolve(UNIT_TEST);
        boolean promtoolPasses = run(unitTest.getParent(), List.of(promtool.toString(), "test", "rules", "unittest.yml")).exitCode() == 0;
        boolean promethiumPasses = run(unitTest.getParent(), List.of(promethium, "test", "rules", "unittest.yml")).exitCode() == 0;
        if (promtoolPasses != promethiumPasses) {
            differing.add(UNIT_TEST);
        }

        Set<String> listed = new TreeSet<>();
        for (String pattern : listedInTheDocs()) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            List<String> matching = Stream.concat(configFiles.stream().map(f -> "config/testdata/" + f),
                    Stream.concat(PROMTOOL_CONFIGS.stream().map(f -> "cmd/promtool/testdata/" + f), Stream.of(UNIT_TEST)))
                    .filter(f -> matcher.matches(Path.of(f))).toList();
            assertThat(matching).as("files of the docs' row " + pattern).isNotEmpty();
            listed.addAll(matching);
        }
        assertThat(differing).as("files whose verdict differs from promtool 2.42's (docs/configuration.md lists these)")
                .containsExactlyElementsOf(listed);
    }

    /** One run of each tool over {@code files} (one JVM start), split into per-file verdicts; the files whose verdicts differ. */
    private static Set<String> differences(Path dir, String prefix, List<String> files, String promtool, String promethium)
            throws Exception {
        Map<String, Boolean> theirs = verdicts(run(dir, command(promtool, files)), files);
        Map<String, Boolean> ours = verdicts(run(dir, command(promethium, files)), files);
        Set<String> differing = new TreeSet<>();
        for (String file : files) {
            if (!theirs.get(file).equals(ours.get(file))) {
                differing.add(prefix + file);
            }
        }
        return differing;
    }

    private static List<String> command(String tool, List<String> files) {
        List<String> command = new ArrayList<>(List.of(tool, "check", "config"));
        command.addAll(files);
        return command;
    }

    /**
     * Whether each file passed: its block runs from its own {@code Checking FILE} line (the files
     * are checked in argument order) to the next file's; the rule files it names print their own
     * {@code Checking} lines inside it.
     */
    private static Map<String, Boolean> verdicts(Run run, List<String> files) {
        Map<String, Boolean> passed = new TreeMap<>();
        int next = 0;
        String current = null;
        for (String line : run.output().split("\n", -1)) {
            if (next < files.size() && line.equals("Checking " + files.get(next))) {
                current = files.get(next++);
                passed.put(current, true);
            } else if (current != null && line.contains("FAILED")) {
                passed.put(current, false);
            }
        }
        assertThat(passed.keySet()).as("a block per file in:\n" + run.output()).containsExactlyInAnyOrderElementsOf(files);
        return passed;
    }

    /** The first column of the table under "Where `check config` and `test rules` differ from promtool 2.42". */
    private static List<String> listedInTheDocs() throws IOException {
        Path page = Path.of("").toAbsolutePath().getParent().resolve("docs/configuration.md");
        List<String> patterns = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inSection = line.contains("differ from promtool 2.42 on its own test data");
            } else if (inSection) {
                Matcher m = TABLE_FILE.matcher(line);
                if (m.find()) {
                    patterns.add(m.group(1));
                }
            }
        }
        assertThat(patterns).as("rows of the table in " + page).isNotEmpty();
        return patterns;
    }

    record Run(int exitCode, String output) {
    }

    private static Run run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("did not finish: " + command);
        }
        return new Run(p.exitValue(), output);
    }
}
