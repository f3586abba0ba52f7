package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/promethium check config} against the real {@code promtool check config} (Debian's
 * prometheus package) on the cases in {@code src/test/resources/check-config}: a folder per case
 * with its {@code prometheus.yml} and the files it names. Case names say the expected verdict
 * ({@code good-}, {@code bad-}); the verdicts (exit codes) must agree with promtool's except for
 * the cases in {@code known-differences.txt}, each with its reason, which must still differ.
 */
class CheckConfigDifferentialIT {

    private static ServerProcess server;
    private static Path cases;
    private static Map<String, Verdict> promethium;

    record Verdict(int exitCode, String output) {
    }

    @BeforeAll
    static void runPromethiumOnEveryCase() throws Exception {
        server = ServerProcess.prepare();
        cases = Files.createTempDirectory("check-config-cases-");
        copyTree(resources(), cases);
        promethium = runPromethiumOnce(caseNames());
    }

    /**
     * One {@code check config} over every case (one JVM start instead of one per case), split
     * back into cases: each "Checking" block belongs to the case whose folder holds the checked
     * file (the config or one of its rule files); a case failed when one of its blocks did.
     */
    private static Map<String, Verdict> runPromethiumOnce(List<String> names) throws Exception {
        List<String> command = new ArrayList<>(List.of(server.home.resolve("bin/promethium").toString(), "check", "config"));
        for (String name : names) {
            command.add(cases.resolve(name).resolve("prometheus.yml").toString());
        }
        Verdict all = runIn(cases, command);
        assertThat(all.exitCode()).as("one bad file fails the whole check:\n" + all.output()).isEqualTo(1);
        Map<String, StringBuilder> outputs = new TreeMap<>();
        names.forEach(name -> outputs.put(name, new StringBuilder()));
        StringBuilder current = null;
        for (String line : all.output().split("\n", -1)) {
            if (line.startsWith("Checking ")) {
                Path checked = Path.of(line.substring("Checking ".length()).trim());
                current = null;
                for (String name : names) {
                    if (checked.startsWith(cases.resolve(name))) {
                        current = outputs.get(name);
                    }
                }
            }
            if (current != null) {
                current.append(line).append('\n');
            }
        }
        Map<String, Verdict> verdicts = new TreeMap<>();
        outputs.forEach((name, out) -> verdicts.put(name, new Verdict(out.toString().contains("FAILED") ? 1 : 0, out.toString())));
        return verdicts;
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (server != null) {
            server.close();
        }
        if (cases != null) {
            ServerProcess.deleteTree(cases);
        }
    }

    @Test
    void promethiumVerdictsMatchTheCaseNames() {
        assertThat(promethium).isNotEmpty();
        promethium.forEach((name, verdict) -> {
            if (name.startsWith("good-")) {
                assertThat(verdict.exitCode()).as(name + ":\n" + verdict.output()).isZero();
            } else if (name.startsWith("bad-")) {
                assertThat(verdict.exitCode()).as(name + ":\n" + verdict.output()).isEqualTo(1);
                assertThat(verdict.output()).as(name).contains("FAILED");
            }
        });
    }

    @Test
    void promtoolAgreesExceptForTheListedVersionDifferences() throws Exception {
        Path promtool = Peers.require("promtool");
        Map<String, Verdict> reference = run(caseNames(), dir -> List.of(promtool.toString(), "check", "config", "prometheus.yml"));
        Map<String, String> known = knownDifferences();
        List<String> unexpected = new ArrayList<>();
        for (String name : caseNames()) {
            Verdict ours = promethium.get(name);
            Verdict theirs = reference.get(name);
            boolean differ = (ours.exitCode() == 0) != (theirs.exitCode() == 0);
            if (differ && !known.containsKey(name)) {
                unexpected.add(name + ": promethium " + ours.exitCode() + ", promtool " + theirs.exitCode()
                        + "\n--- promethium:\n" + ours.output() + "--- promtool:\n" + theirs.output());
            } else if (!differ && known.containsKey(name)) {
                unexpected.add(name + ": listed as a known difference but both give " + ours.exitCode());
            }
        }
        assertThat(unexpected).as("verdicts that differ from promtool's without a listed reason").isEmpty();
        assertThat(known.keySet()).as("every listed difference has a case").allMatch(promethium::containsKey);
    }

    private interface Command {
        List<String> of(Path dir);
    }

    /** Runs the command in every case folder, a few at a time. */
    private static Map<String, Verdict> run(List<String> names, Command command) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Map<String, Future<Verdict>> futures = new LinkedHashMap<>();
            for (String name : names) {
                Path dir = cases.resolve(name);
                futures.put(name, pool.submit(() -> runIn(dir, command.of(dir))));
            }
            Map<String, Verdict> verdicts = new TreeMap<>();
            for (Map.Entry<String, Future<Verdict>> e : futures.entrySet()) {
                verdicts.put(e.getKey(), e.getValue().get(120, TimeUnit.SECONDS));
            }
            return verdicts;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Verdict runIn(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("did not finish: " + command);
        }
        return new Verdict(p.exitValue(), output);
    }

    private static List<String> caseNames() throws IOException {
        try (Stream<Path> dirs = Files.list(cases)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, String> knownDifferences() throws IOException {
        Map<String, String> known = new TreeMap<>();
        for (String line : Files.readAllLines(cases.resolve("known-differences.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            known.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return known;
    }

    private static Path resources() throws URISyntaxException {
        return Path.of(CheckConfigDifferentialIT.class.getResource("/check-config/known-differences.txt").toURI()).getParent();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
