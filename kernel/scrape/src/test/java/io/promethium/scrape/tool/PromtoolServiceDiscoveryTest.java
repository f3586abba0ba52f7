package io.promethium.scrape.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.scrape.tool.CheckServiceDiscoveryCommandTest.Result;
import io.promethium.testsupport.Peers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check service-discovery} against the installed promtool (Debian's 2.42) on the same
 * config: static targets, file_sd targets from a JSON and a YAML file, relabelling that keeps,
 * drops and adds labels, an invalid target and an unknown job. promtool 2.42 panics when one job
 * has both {@code static_configs} and {@code file_sd_configs} (its static discoverer closes the
 * shared channel), so they are separate jobs here; every address has a port (2.42 adds
 * {@code :80} to one without, Prometheus 3 and this tool do not).
 */
class PromtoolServiceDiscoveryTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Path config;

    @BeforeAll
    static void write(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("targets.json"), """
                [{"targets": ["10.0.0.1:9100", "10.0.0.2:9100"], "labels": {"env": "prod", "team": "a<b>"}},
                 {"targets": ["10.0.0.9:9100"], "labels": {"env": "dev"}}]
                """);
        Files.writeString(dir.resolve("more.yaml"), """
                - targets: ['host-a:8080']
                  labels: {env: staging, __scheme__: https}
                """);
        // Absolute, so that both put the same __meta_filepath (promtool joins the config's folder as given).
        config = Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 15s}
                scrape_configs:
                  - job_name: files
                    scrape_interval: 30s
                    file_sd_configs: [{files: [targets.json, '*.yaml']}]
                    relabel_configs:
                      - {source_labels: [env], regex: dev, action: drop}
                      - {source_labels: [__address__], regex: '(.*):\\d+', target_label: host}
                      - {source_labels: [__meta_filepath], regex: '.*/(.*)', target_label: file}
                  - job_name: static
                    metrics_path: /probe
                    params: {module: [http_2xx]}
                    static_configs:
                      - targets: ['a:1', 'b:2', 'a:1', 'c:3']
                        labels: {src: static}
                    relabel_configs:
                      - {source_labels: [__address__], regex: '[ab]:.*', action: keep}
                      - {source_labels: [__address__], target_label: __param_target}
                      - {target_label: __address__, replacement: 'blackbox:9115'}
                  - job_name: invalid
                    scrape_timeout: 5s
                    static_configs: [{targets: ['a:1'], labels: {__scrape_timeout__: 1h}}]
                """).toAbsolutePath();
    }

    @Test
    void oneSourceGivesPromtoolsOutputByteForByte() throws Exception {
        Result expected = promtool("check", "service-discovery", "--timeout=500ms", config.toString(), "static");
        assertEquals(0, expected.code(), expected.err());
        assertTrue(expected.out().contains("blackbox:9115"), expected.out());
        Result ours = CheckServiceDiscoveryCommandTest.run("--timeout=1s", config.toString(), "static");
        assertEquals(expected.out(), ours.out());
        assertEquals(0, ours.code(), ours.err());
    }

    @Test
    void fileTargetsAreTheSameSetAsPromtools() throws Exception {
        Result expected = promtool("check", "service-discovery", "--timeout=500ms", config.toString(), "files");
        assertEquals(0, expected.code(), expected.err());
        Result ours = CheckServiceDiscoveryCommandTest.run("--timeout=1s", config.toString(), "files");
        assertEquals(0, ours.code(), ours.err());
        // promtool prints the sources in Go's random map order.
        List<String> want = sorted(expected.out());
        assertEquals(4, want.size(), expected.out());
        assertEquals(want, sorted(ours.out()));
    }

    @Test
    void anInvalidTargetIsAnErrorAsInPromtool() throws Exception {
        Result expected = promtool("check", "service-discovery", "--timeout=500ms", config.toString(), "invalid");
        Result ours = CheckServiceDiscoveryCommandTest.run("--timeout=1s", config.toString(), "invalid");
        assertEquals(expected.code(), ours.code(), ours.err());
        // 2.42 prints {} for the error (a Go error has no JSON form) and for the discovered labels
        // (Prometheus 3 prints them, as here); this tool prints the error's text.
        List<JsonNode> results = list(ours.out());
        assertEquals(1, results.size());
        assertEquals("scrape timeout cannot be greater than scrape interval (\"1h\" > \"15s\")", results.get(0).get("error").asText());
        assertEquals("a:1", results.get(0).get("discoveredLabels").get("__address__").asText());
        ObjectNode as242 = (ObjectNode) results.get(0);
        as242.set("error", JSON.createObjectNode());
        as242.set("discoveredLabels", JSON.createObjectNode());
        assertEquals(list(expected.out()), List.of(as242));
    }

    @Test
    void anUnknownJobIsTheSameErrorAsPromtools() throws Exception {
        Result expected = promtool("check", "service-discovery", "--timeout=500ms", config.toString(), "nope");
        assertEquals(expected, CheckServiceDiscoveryCommandTest.run("--timeout=1s", config.toString(), "nope"));
        assertEquals(1, expected.code());
    }

    @Test
    void usageErrorsExitAsPromtools() throws Exception {
        assertEquals(promtool("check", "service-discovery", config.toString()).code(),
                CheckServiceDiscoveryCommandTest.run(config.toString()).code());
        assertEquals(promtool("check", "service-discovery", "--foo", config.toString(), "static").code(),
                CheckServiceDiscoveryCommandTest.run("--foo", config.toString(), "static").code());
    }

    private static List<JsonNode> list(String json) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        JSON.readTree(json).forEach(nodes::add);
        return nodes;
    }

    private static List<String> sorted(String json) throws Exception {
        List<String> results = new ArrayList<>();
        for (JsonNode node : list(json)) {
            results.add(node.toPrettyString());
        }
        results.sort(Comparator.naturalOrder());
        return results;
    }

    static Result promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Peers.require("promtool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, err);
    }
}
