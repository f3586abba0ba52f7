package io.promethium.web.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code promethium check web-config} on every web config file of the exporter-toolkit's test data
 * (test resources {@code exporter-toolkit/}, Apache-2.0), against the verdicts and error patterns
 * the toolkit's own {@code tls_config_test.go} expects of its {@code Validate} (read from that
 * file), and against the Debian {@code promtool check web-config}: the same lines, word for word.
 */
class CheckWebConfigToolkitTestdataTest {

    /** The toolkit's test error names whose failure {@code Validate} reports (the rest arise serving or in a handshake). */
    private static final List<String> CONFIG_ERRORS = List.of("YAML error", "Invalid Cert or CertPath", "Invalid Key or KeyPath",
            "No such file", "ClientCA set without policy", "Bad password", "Unknown cipher", "Unknown curve",
            "Unknown TLS version", "Invalid value", "Invalid header");

    /**
     * Files no table of tls_config_test.go validates; all valid for {@code Validate}: a
     * RequireAndVerifyClientCert without client CAs verifies against the system roots, and the
     * others are used by its reload test or by none.
     */
    private static final List<String> VALID_ELSEWHERE = List.of("web_config_auth_clientCAs_missing.bad.yml",
            "web_config_noAuth.good.blocking.yml", "tls_config_noAuth.requireanyclientcertkeyinline.good.yml");

    /**
     * Keys the Debian promtool (2.42, an older exporter-toolkit) does not know yet: inline PEM
     * ({@code cert}, {@code key}), {@code client_allowed_sans} and {@code rate_limit}. Its verdict
     * on the files using them is that of an older format, so they are left out of the comparison.
     */
    private static final Pattern NEWER_KEYS = Pattern.compile("field (cert|key|client_allowed_sans|rate_limit) not found");

    private static Path testdata() throws URISyntaxException {
        return Path.of(CheckWebConfigToolkitTestdataTest.class.getResource("/exporter-toolkit/web/testdata").toURI());
    }

    private static List<Path> configFiles() throws Exception {
        try (Stream<Path> files = Files.list(testdata())) {
            return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The verdict line of {@code promethium check web-config FILE}, and its exit code. */
    private record Verdict(int code, String line) {
        boolean success() {
            return code == 0;
        }
    }

    private static Verdict check(Path file) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CheckWebConfigCommand().run(List.of(file.toString()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Verdict(code, err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void everyToolkitTestFileGetsTheVerdictAndErrorItsTestsExpect() throws Exception {
        String goTest = Files.readString(testdata().resolveSibling("tls_config_test.go.txt"));
        Map<String, Pattern> errors = new LinkedHashMap<>();
        Matcher error = Pattern.compile("\"([^\"]+)\":\\s+regexp\\.MustCompile\\(`([^`]*)`\\)").matcher(goTest);
        while (error.find()) {
            errors.put(error.group(1), Pattern.compile(error.group(2)));
        }
        assertThat(errors).containsKeys(CONFIG_ERRORS.toArray(String[]::new));
        // Each table entry naming a test data file, with its ExpectedError (up to the entry's end).
        Map<String, String> expected = new LinkedHashMap<>();
        Matcher entry = Pattern.compile("YAMLConfigPath:\\s+\"testdata/([^\"]+)\",(.*?)\\n\\t\\t},", Pattern.DOTALL).matcher(goTest);
        while (entry.find()) {
            Matcher name = Pattern.compile("ExpectedError:\\s+ErrorMap\\[\"([^\"]+)\"]").matcher(entry.group(2));
            String errorName = name.find() ? name.group(1) : null;
            expected.merge(entry.group(1), errorName == null || !CONFIG_ERRORS.contains(errorName) ? "" : errorName,
                    (a, b) -> a.equals(b) ? a : a + "|" + b);
        }
        assertThat(expected.values().stream().filter(v -> !v.isEmpty()).count()).as("failures the Go tests expect").isGreaterThanOrEqualTo(19);
        VALID_ELSEWHERE.forEach(f -> expected.putIfAbsent(f, ""));
        List<String> files = configFiles().stream().map(f -> f.getFileName().toString()).toList();
        assertThat(new TreeSet<>(expected.keySet())).as("every file has an expectation").containsAll(files);

        List<String> wrong = new ArrayList<>();
        for (String file : files) {
            Verdict verdict = check(testdata().resolve(file));
            String errorName = expected.get(file);
            if (errorName.isEmpty()) {
                if (!verdict.success() || !verdict.line().endsWith(" SUCCESS")) {
                    wrong.add(file + ": expected SUCCESS, got " + verdict.line());
                }
            } else if (verdict.success() || !errors.get(errorName).matcher(verdict.line()).find()) {
                wrong.add(file + ": expected a failure matching " + errorName + " /" + errors.get(errorName) + "/, got " + verdict.line());
            }
        }
        assertThat(wrong).isEmpty();
    }

    /**
     * The exporter-toolkit's messages that changed since the one in the Debian promtool (2.42):
     * inline PEM made "missing cert_file" "missing one of cert or cert_file" and the certificate a
     * file read before the pair is loaded; a capital went. 2.42's words, rewritten to today's,
     * before the comparison (today's are checked against the toolkit's tests above).
     */
    private static final List<Map.Entry<Pattern, String>> TOOLKIT_SINCE_242 = List.of(
            Map.entry(Pattern.compile("FAILED: missing (cert|key)_file$"), "FAILED: missing one of $1 or $1_file"),
            Map.entry(Pattern.compile("FAILED: failed to load X509KeyPair: open ([^:]+): "), "FAILED: failed to read cert_file ($1): open $1: "),
            Map.entry(Pattern.compile("FAILED: Client CA's"), "FAILED: client CA's"));

    @Test
    void outputAgreesWithTheDebianPromtool() throws Exception {
        Path promtool = Peers.require("promtool");
        List<String> compared = new ArrayList<>();
        List<String> disagree = new ArrayList<>();
        for (Path file : configFiles()) {
            Process process = new ProcessBuilder(promtool.toString(), "check", "web-config", file.getFileName().toString())
                    .directory(testdata().toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (NEWER_KEYS.matcher(output).find()) {
                continue;
            }
            compared.add(file.getFileName().toString());
            for (Map.Entry<Pattern, String> since : TOOLKIT_SINCE_242) {
                output = since.getKey().matcher(output).replaceAll(since.getValue());
            }
            Verdict ours = check(file);
            // Ours named the file by its absolute path, promtool by its name in its working folder.
            String line = ours.line().replace(testdata() + "/", "");
            if (ours.success() != (process.exitValue() == 0) || !line.equals(output)) {
                disagree.add("promtool:   " + output + "\npromethium: " + line);
            }
        }
        assertThat(compared).hasSizeGreaterThan(30);
        assertThat(disagree).isEmpty();
    }

    @Test
    void theIssuesCasesFailWithTheToolkitsMessages(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.copy(Path.of(testdataUnchecked()).resolve("server.crt"), dir.resolve("server.crt"));
        Files.copy(Path.of(testdataUnchecked()).resolve("server.key"), dir.resolve("server.key"));
        Map<String, String> cases = Map.of(
                "min_version: foo", "unknown TLS version: foo",
                "max_version: TLS14", "unknown TLS version: TLS14",
                "cipher_suites: [FOO]", "unknown cipher: FOO",
                "client_auth_type: Bogus", "invalid ClientAuth: Bogus",
                "curve_preferences: [X999]", "unknown curve: X999",
                "client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: missing.pem", "open " + dir.resolve("missing.pem") + ": no such file or directory");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = dir.resolve("web.yml");
            Files.writeString(file, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  " + c.getKey() + "\n");
            Verdict verdict = check(file);
            assertThat(verdict.code()).as(c.getKey()).isEqualTo(1);
            assertThat(verdict.line()).as(c.getKey()).startsWith(file + " FAILED: ").contains(c.getValue());
        }
    }

    private static String testdataUnchecked() {
        try {
            return testdata().toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
