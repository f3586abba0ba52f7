package io.promethium.scrape.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.config.InstalledPlugins;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckServiceDiscoveryCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(CheckServiceDiscoveryCommand tool, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = tool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result run(String... args) throws Exception {
        return run(new CheckServiceDiscoveryCommand(), args);
    }

    /** promtool's global --enable-feature: an unknown name is its warning, printed without a line break before the targets. */
    @Test
    void anUnknownFeatureIsPromtoolsWarningBeforeTheTargets(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "scrape_configs:\n  - job_name: node\n"
                + "    static_configs: [{targets: ['localhost:9100']}]\n");
        Result plain = run("--timeout=10s", config.toString(), "node");
        Result warned = run("--enable-feature=promql-experimental-functions,nope", "--timeout=10s", config.toString(), "node");
        assertEquals(new Result(0, "  WARNING: Unknown feature passed to --enable-feature: nope" + plain.out(), ""), warned);
    }

    @Test
    void staticAndFileTargetsAreRelabelledAndPrintedAsPromtoolFormatsThem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("targets.json"), """
                [{"targets": ["10.0.0.1:9100"], "labels": {"env": "prod"}},
                 {"targets": ["10.0.0.9:9100"], "labels": {"env": "dev"}}]
                """);
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                scrape_configs:
                  - job_name: node
                    scrape_interval: 30s
                    params: {module: [a&b]}
                    static_configs: [{targets: ['localhost:9100', 'localhost:9100'], labels: {src: static}}]
                    file_sd_configs: [{files: [targets.json]}]
                    relabel_configs:
                      - {source_labels: [env], regex: dev, action: drop}
                      - {source_labels: [__address__], regex: '(.*):9100', target_label: host}
                """);
        Result r = run("--timeout=10s", config.toString(), "node");
        String file = dir.resolve("targets.json").toString();
        assertEquals(new Result(0, """
                [
                  {
                    "discoveredLabels": {
                      "__address__": "localhost:9100",
                      "__metrics_path__": "/metrics",
                      "__param_module": "a\\u0026b",
                      "__scheme__": "http",
                      "__scrape_interval__": "30s",
                      "__scrape_timeout__": "10s",
                      "job": "node",
                      "src": "static"
                    },
                    "labels": {
                      "__address__": "localhost:9100",
                      "__metrics_path__": "/metrics",
                      "__param_module": "a\\u0026b",
                      "__scheme__": "http",
                      "__scrape_interval__": "30s",
                      "__scrape_timeout__": "10s",
                      "host": "localhost",
                      "instance": "localhost:9100",
                      "job": "node",
                      "src": "static"
                    }
                  },
                  {
                    "discoveredLabels": {
                      "__address__": "10.0.0.1:9100",
                      "__meta_filepath": "%1$s",
                      "__metrics_path__": "/metrics",
                      "__param_module": "a\\u0026b",
                      "__scheme__": "http",
                      "__scrape_interval__": "30s",
                      "__scrape_timeout__": "10s",
                      "env": "prod",
                      "job": "node"
                    },
                    "labels": {
                      "__address__": "10.0.0.1:9100",
                      "__metrics_path__": "/metrics",
                      "__param_module": "a\\u0026b",
                      "__scheme__": "http",
                      "__scrape_interval__": "30s",
                      "__scrape_timeout__": "10s",
                      "env": "prod",
                      "host": "10.0.0.1",
                      "instance": "10.0.0.1:9100",
                      "job": "node"
                    }
                  },
                  {
                    "discoveredLabels": {
                      "__address__": "10.0.0.9:9100",
                      "__meta_filepath": "%1$s",
                      "__metrics_path__": "/metrics",
                      "__param_module": "a\\u0026b",
                      "__scheme__": "http",
                      "__scrape_interval__": "30s",
                      "__scrape_timeout__": "10s",
                      "env": "dev",
                      "job": "node"
                    },
                    "labels": {}
                  }
                ]""".formatted(file), ""), r);
    }

    @Test
    void keepDropsEveryOtherTarget(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                scrape_configs:
                  - job_name: keep
                    static_configs: [{targets: ['a:1', 'b:2']}]
                    relabel_configs: [{source_labels: [__address__], regex: 'a:.*', action: keep}]
                """);
        // --plugins.dir is the launcher's (it chose the jars of the class path): taken, not refused.
        Result r = run("--plugins.dir", dir.toString(), config.toString(), "keep");
        assertEquals(r, run("--plugins.dir=" + dir, config.toString(), "keep"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"instance\": \"a:1\""), r.out());
        assertTrue(r.out().endsWith("""
                      "job": "keep"
                    },
                    "labels": {}
                  }
                ]"""), r.out());
    }

    @Test
    void anInvalidTargetShowsItsDiscoveredLabelsAndPrometheusError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                scrape_configs:
                  - job_name: slow
                    scrape_timeout: 5s
                    static_configs: [{targets: ['a:1'], labels: {__scrape_timeout__: 2m}}]
                  - job_name: nothing
                """);
        Result r = run(config.toString(), "slow");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("""
                      "__scrape_timeout__": "2m",
                      "job": "slow"
                    },
                    "labels": {},
                    "error": "scrape timeout cannot be greater than scrape interval (\\"2m\\" \\u003e \\"1m\\")"
                  }
                ]"""), r.out());
        assertEquals(new Result(0, "[]", ""), run(config.toString(), "nothing"));
    }

    @Test
    void anUnknownJobIsNamedWithTheJobsThereAre(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                scrape_configs: [{job_name: a}, {job_name: b}]
                """);
        assertEquals(new Result(1, "", "Job c not found. Select one of:\n\ta\n\tb\n"), run(config.toString(), "c"));
    }

    @Test
    void badConfigAndBadUsageAreRefused(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "scrape_configs: [{job_name: a, foo: 1}]\n");
        Result bad = run(config.toString(), "a");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("Cannot load config ") && bad.err().contains("foo"), bad.err());
        assertEquals(new Result(1, "", "promethium check service-discovery: error: required argument 'job' not provided, try --help\n"),
                run(config.toString()));
        assertEquals(new Result(1, "", "promethium check service-discovery: error: time: invalid duration \"abc\", try --help\n"),
                run("--timeout=abc", config.toString(), "a"));
        assertEquals(new Result(1, "", "promethium check service-discovery: error: unknown long flag '--foo', try --help\n"),
                run("--foo", config.toString(), "a"));
        Result missing = run(dir.resolve("none.yml").toString(), "a");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("none.yml' does not exist"), missing.err());
    }

    @Test
    void aDiscovererThatSendsNothingIsWaitedForOnlyUntilTheTimeout(@TempDir Path dir) throws Exception {
        // A class loader whose services list the silent factory next to the class path's plugins.
        Path services = Files.createDirectories(dir.resolve("cp/META-INF/services"));
        Files.writeString(services.resolve(DiscovererFactory.class.getName()), Silent.class.getName() + "\n");
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("cp").toUri().toURL()}, getClass().getClassLoader());
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                scrape_configs:
                  - job_name: s
                    static_configs: [{targets: ['a:1']}]
                    silent_sd_configs: [{}]
                """);
        long start = System.nanoTime();
        Result r = run(new CheckServiceDiscoveryCommand(() -> InstalledPlugins.find(loader)), "--timeout", "300ms", config.toString(), "s");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"instance\": \"a:1\""), r.out());
        assertEquals("warning: 1 of 1 service discovery blocks sent nothing within --timeout=300ms\n", r.err());
        assertTrue(millis >= 300, "returned after " + millis + " ms");
        assertTrue(Silent.closed, "the discoverer is closed");
    }

    /** A discovery plugin that never reports. */
    public static final class Silent implements DiscovererFactory {
        static volatile boolean closed;

        @Override
        public String type() {
            return "silent";
        }

        @Override
        public void validate(PluginConfig config) {
        }

        @Override
        public Discoverer create(PluginConfig config, DiscoveryContext context) {
            return new Discoverer() {
                @Override
                public void start(Consumer<List<TargetGroup>> updates) {
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }
}
