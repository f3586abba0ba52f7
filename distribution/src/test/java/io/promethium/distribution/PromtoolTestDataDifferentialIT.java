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
 * Prometheus v2.42.0's own test data ({@code config/testdata} and the config, rule and unit-test
 * files of {@code cmd/promtool/testdata}, in {@code src/test/resources/prometheus-v2.42.0-testdata}
 * under Prometheus's Apache 2.0 licence): {@code bin/promethium check config}, {@code check rules}
 * and {@code test rules} against the Debian {@code promtool} 2.42 on the same files. The verdicts
 * (success or failure) differ on exactly the files the table in {@code docs/configuration.md}
 * lists, read from the page itself, so the page and the behaviour cannot drift apart.
 */
class PromtoolTestDataDifferentialIT {

    /** The config files of {@code cmd/promtool/testdata} (the rest are rule and unit-test files). */
    private static final List<String> PROMTOOL_CONFIGS = List.of("authorization_credentials_file.bad.yml",
            "authorization_credentials_file.good.yml", "bad-sd-file-format.yml", "config_with_rule_files.yml",
            "config_with_service_discovery_files.yml", "config_with_tls_files.yml", "prometheus-config.bad.yml",
            "prometheus-config.good.yml", "prometheus-config.lint.yml", "url_in_alert_targetgroup_with_relabel_config.bad.yml",
            "url_in_alert_targetgroup_with_relabel_config.good.yml", "url_in_scrape_targetgroup_with_relabel_config.bad.yml",
            "url_in_scrape_targetgroup_with_relabel_config.good.yml");
    /** The rule files of {@code cmd/promtool/testdata} ({@code rules_large.yml}, 1 MB, left out). */
    private static final List<String> PROMTOOL_RULES = List.of("rules.yml", "rules_duplicates.yml", "prometheus-rules.lint.yml",
            "bad-promql.yml", "bad-rules-error.yml", "bad-rules-syntax.yml", "at-modifier.yml", "negative-offset.yml");
    /** Its unit-test files. */
    private static final List<String> PROMTOOL_UNIT_TESTS = List.of("unittest.yml", "at-modifier-test.yml", "bad-input-series.yml",
            "bad-rules-error-test.yml", "bad-rules-syntax-test.yml", "failing.yml", "long-period.yml", "negative-offset-test.yml");
    private static final String PROMTOOL_DIR = "cmd/promtool/testdata/";
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
        differing.addAll(differences(config, "config/testdata/", List.of("check", "config"), "Checking ", configFiles,
                promtool.toString(), promethium));
        Path promtoolData = data.resolve(PROMTOOL_DIR);
        differing.addAll(differences(promtoolData, PROMTOOL_DIR, List.of("check", "config"), "Checking ", PROMTOOL_CONFIGS,
                promtool.toString(), promethium));
        differing.addAll(differences(promtoolData, PROMTOOL_DIR, List.of("check", "rules"), "Checking ", PROMTOOL_RULES,
                promtool.toString(), promethium));
        Map<String, Boolean> theirTests = testVerdicts(run(promtoolData, command(promtool.toString(), List.of("test", "rules"),
                PROMTOOL_UNIT_TESTS)), PROMTOOL_UNIT_TESTS);
        Map<String, Boolean> ourTests = testVerdicts(run(promtoolData, command(promethium, List.of("test", "rules"),
                PROMTOOL_UNIT_TESTS)), PROMTOOL_UNIT_TESTS);
        for (String file : PROMTOOL_UNIT_TESTS) {
            if (!theirTests.get(file).equals(ourTests.get(file))) {
                differing.add(PROMTOOL_DIR + file);
            }
        }

        Set<String> listed = new TreeSet<>();
        for (String pattern : listedInTheDocs()) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            List<String> matching = Stream.of(configFiles.stream().map(f -> "config/testdata/" + f),
                            Stream.of(PROMTOOL_CONFIGS, PROMTOOL_RULES, PROMTOOL_UNIT_TESTS).flatMap(List::stream).map(f -> PROMTOOL_DIR + f))
                    .flatMap(x -> x)
                    .filter(f -> matcher.matches(Path.of(f))).toList();
            assertThat(matching).as("files of the docs' row " + pattern).isNotEmpty();
            listed.addAll(matching);
        }
        assertThat(differing).as("files whose verdict differs from promtool 2.42's (docs/configuration.md lists these)")
                .containsExactlyElementsOf(listed);
    }

    /** One run of each tool's {@code command} over {@code files} (one JVM start), split into per-file verdicts; the files whose verdicts differ. */
    private static Set<String> differences(Path dir, String prefix, List<String> command, String header, List<String> files,
                                           String promtool, String promethium) throws Exception {
        Map<String, Boolean> theirs = verdicts(run(dir, command(promtool, command, files)), header, files);
        Map<String, Boolean> ours = verdicts(run(dir, command(promethium, command, files)), header, files);
        Set<String> differing = new TreeSet<>();
        for (String file : files) {
            if (!theirs.get(file).equals(ours.get(file))) {
                differing.add(prefix + file);
            }
        }
        return differing;
    }

    private static List<String> command(String tool, List<String> command, List<String> files) {
        List<String> line = new ArrayList<>(List.of(tool));
        line.addAll(command);
        line.addAll(files);
        return line;
    }

    /**
     * Whether each file passed: its block runs from its own header line ({@code Checking FILE}; the
     * files are handled in argument order) to the next file's;
     * the rule files a config names print their own {@code Checking} lines inside it.
     */
    private static Map<String, Boolean> verdicts(Run run, String header, List<String> files) {
        Map<String, Boolean> passed = new TreeMap<>();
        int next = 0;
        String current = null;
        for (String line : run.output().split("\n", -1)) {
            if (next < files.size() && line.equals(header + files.get(next))) {
                current = files.get(next++);
                passed.put(current, true);
            } else if (current != null && line.contains("FAILED")) {
                passed.put(current, false);
            }
        }
        assertThat(passed.keySet()).as("a block per file in:\n" + run.output()).containsExactlyInAnyOrderElementsOf(files);
        return passed;
    }

    /**
     * Whether each unit-test file passed: each file ends in one {@code   SUCCESS} or
     * {@code   FAILED:} line, in argument order (Prometheus 3 no longer prints a header per file).
     */
    private static Map<String, Boolean> testVerdicts(Run run, List<String> files) {
        List<Boolean> outcomes = new ArrayList<>();
        for (String line : run.output().split("\n", -1)) {
            if (line.equals("  SUCCESS") || line.equals("  FAILED:")) {
                outcomes.add(line.equals("  SUCCESS"));
            }
        }
        assertThat(outcomes).as("one outcome per file in:\n" + run.output()).hasSameSizeAs(files);
        Map<String, Boolean> passed = new TreeMap<>();
        for (int i = 0; i < files.size(); i++) {
            passed.put(files.get(i), outcomes.get(i));
        }
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
