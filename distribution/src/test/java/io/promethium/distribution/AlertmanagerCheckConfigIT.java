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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/promethium check alertmanager-config} on every file of Alertmanager's own
 * {@code config/testdata} (copied in {@code src/test/resources/alertmanager-testdata} with its
 * licence): each verdict must be the one the newest release's {@code config_test.go} expects,
 * and the one of the real {@code amtool check-config} (Debian's, 0.25) wherever 0.25 knows the
 * fields, except where {@code expected.txt} says why not. A listed difference must still differ,
 * so a fixed one is noticed and struck from the list.
 */
class AlertmanagerCheckConfigIT {

    private static ServerProcess server;
    private static Path cases;

    record Expectation(String file, boolean good, String promethiumDiffers, String amtoolDiffers) {
    }

    @BeforeAll
    static void copyCases() throws Exception {
        server = ServerProcess.prepare();
        cases = Files.createTempDirectory("am-testdata-");
        Path from = Path.of(AlertmanagerCheckConfigIT.class.getResource("/alertmanager-testdata/expected.txt").toURI()).getParent();
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, cases.resolve(f.getFileName()));
            }
        }
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

    private static List<Expectation> expectations() throws IOException {
        List<Expectation> out = new ArrayList<>();
        for (String line : Files.readAllLines(cases.resolve("expected.txt"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(" ", 3);
            String rest = parts.length > 2 ? parts[2] : "";
            String ours = null;
            String theirs = null;
            if (rest.startsWith("promethium-differs: ")) {
                ours = rest.substring("promethium-differs: ".length());
            } else if (rest.startsWith("amtool-differs: ")) {
                theirs = rest.substring("amtool-differs: ".length());
            }
            out.add(new Expectation(parts[0], parts[1].equals("good"), ours, theirs));
        }
        return out;
    }

    /** One run over every file: each file's "Checking" block says SUCCESS or FAILED. */
    private static Map<String, String> promethiumVerdicts(List<Expectation> all) throws Exception {
        List<String> command = new ArrayList<>(List.of(server.home.resolve("bin/promethium").toString(), "check", "alertmanager-config"));
        all.forEach(e -> command.add(e.file()));
        String output = run(command);
        Map<String, String> blocks = new LinkedHashMap<>();
        String current = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("Checking '")) {
                current = line.substring("Checking '".length(), line.length() - 1);
                blocks.put(current, "");
            } else if (current != null) {
                blocks.merge(current, line + "\n", String::concat);
            }
        }
        return blocks;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(cases.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished: " + command).isTrue();
        return output;
    }

    @Test
    void everyVerdictIsTheNewestAlertmanagersAndAmtool025sWhereItKnowsTheFields() throws Exception {
        Path amtool = Peers.require("amtool");
        List<Expectation> all = expectations();
        try (var files = Files.list(cases)) {
            assertThat(files.filter(f -> f.toString().endsWith(".yml")).count()).as("every file has an expectation").isEqualTo(all.size());
        }
        Map<String, String> ours = promethiumVerdicts(all);
        List<String> wrong = new ArrayList<>();
        for (Expectation e : all) {
            String block = ours.get(e.file());
            assertThat(block).as("a verdict for " + e.file()).isNotNull();
            boolean good = block.contains("SUCCESS");
            if (e.promethiumDiffers() == null && good != e.good()) {
                wrong.add(e.file() + ": Alertmanager says " + (e.good() ? "good" : "bad") + ", Promethium: " + block.strip());
            }
            if (e.promethiumDiffers() != null && good == e.good()) {
                wrong.add(e.file() + ": listed as differing (" + e.promethiumDiffers() + ") but agrees now: strike it from expected.txt");
            }
            String theirs = run(List.of(amtool.toString(), "check-config", e.file()));
            boolean amtoolGood = theirs.contains("SUCCESS");
            if (e.amtoolDiffers() == null && amtoolGood != e.good()) {
                wrong.add(e.file() + ": amtool 0.25 says " + (amtoolGood ? "good" : "bad") + ", unlisted: " + theirs.strip());
            }
            if (e.amtoolDiffers() != null && amtoolGood == e.good()) {
                wrong.add(e.file() + ": listed as differing from amtool 0.25 (" + e.amtoolDiffers() + ") but agrees");
            }
        }
        assertThat(wrong).isEmpty();
    }
}
