package io.promethium.discovery.file.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.testing.TestMetricsRegistrar;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.api.model.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDiscovererFactoryTest {

    @TempDir
    Path dir;

    private final FileDiscovererFactory factory = new FileDiscovererFactory();
    private final BlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
    private Discoverer discoverer;

    @AfterEach
    void close() {
        if (discoverer != null) {
            discoverer.close();
        }
    }

    private static PluginConfig config(Map<String, Object> values) {
        return new PluginConfig("file_sd_configs", values, "prometheus.yml:7:5");
    }

    private final java.util.function.Supplier<TestPluginContext> contexts = () -> new TestPluginContext(dir, "test-job");
    private TestPluginContext context;

    private TestPluginContext context() {
        if (context == null) {
            context = contexts.get();
        }
        return context;
    }

    private void start(Map<String, Object> values) throws ConfigException {
        discoverer = factory.create(config(values), context());
        discoverer.start(updates::add);
    }

    private List<TargetGroup> nextUpdate() throws InterruptedException {
        List<TargetGroup> update = updates.poll(20, TimeUnit.SECONDS);
        assertThat(update).as("an update from the file discoverer").isNotNull();
        return update;
    }

    @Test
    void isFoundByServiceLoaderAsTypeFile() {
        assertThat(ServiceLoader.load(DiscovererFactory.class).stream().map(p -> p.get().type()))
                .contains("file");
    }

    @Test
    void validateRejectsUnknownKeysNamingThem() {
        assertThatThrownBy(() -> factory.validate(config(Map.of("files", List.of("a.json"), "refresh", "1m"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("prometheus.yml:7:5")
                .hasMessageContaining("refresh");
    }

    @Test
    void validateRequiresFiles() {
        assertThatThrownBy(() -> factory.validate(config(Map.of("refresh_interval", "1m"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("files");
    }

    @Test
    void validateRejectsGlobOutsideTheLastPathElementAndUnknownExtensions() {
        assertThatThrownBy(() -> factory.validate(config(Map.of("files", List.of("*/targets.json")))))
                .hasMessageContaining("*/targets.json");
        assertThatThrownBy(() -> factory.validate(config(Map.of("files", List.of("targets.txt")))))
                .hasMessageContaining("targets.txt");
    }

    @Test
    void validateRejectsBadRefreshInterval() {
        assertThatThrownBy(() -> factory.validate(config(Map.of("files", List.of("a.yml"), "refresh_interval", "soon"))))
                .hasMessageContaining("refresh_interval");
    }

    @Test
    void validateAcceptsGlobsAndDurations() throws ConfigException {
        factory.validate(config(Map.of("files", List.of("sd/*.json", "/etc/x/targets-*.yaml"), "refresh_interval", "30s")));
    }

    @Test
    void readsJsonAndYamlFilesMatchingTheGlobWithMetaFilepath() throws Exception {
        Path json = dir.resolve("a.json");
        Files.writeString(json, """
                [{"targets": ["h1:9100", "h2:9100"], "labels": {"env": "prod"}}]
                """);
        Path yaml = dir.resolve("b.yml");
        Files.writeString(yaml, """
                - targets: ['h3:80']
                  labels:
                    team: web
                - targets: ['h4:80']
                """);
        Files.writeString(dir.resolve("ignored.txt"), "not a target file");

        start(Map.of("files", List.of("*.json", "*.yml")));
        Map<String, TargetGroup> bySource = bySource(nextUpdate());

        assertThat(bySource).containsOnlyKeys(json + ":0", yaml + ":0", yaml + ":1");
        TargetGroup first = bySource.get(json + ":0");
        assertThat(first.targets()).containsExactly(Labels.of("__address__", "h1:9100"), Labels.of("__address__", "h2:9100"));
        assertThat(first.labels()).isEqualTo(Labels.of("env", "prod", "__meta_filepath", json.toString()));
        assertThat(bySource.get(yaml + ":0").labels().get("team")).isEqualTo("web");
        assertThat(bySource.get(yaml + ":1").labels()).isEqualTo(Labels.of("__meta_filepath", yaml.toString()));
    }

    @Test
    void relativePatternsResolveAgainstTheConfigFolder() throws Exception {
        Files.createDirectories(dir.resolve("sd"));
        Files.writeString(dir.resolve("sd/t.yaml"), "- targets: ['x:1']\n");
        start(Map.of("files", List.of("sd/*.yaml")));
        assertThat(nextUpdate()).singleElement().satisfies(g -> assertThat(g.targets()).hasSize(1));
    }

    @Test
    void sendsAnEmptyInitialUpdateWhenNothingMatches() throws Exception {
        start(Map.of("files", List.of("missing/*.json")));
        assertThat(nextUpdate()).isEmpty();
    }

    @Test
    void seesAChangedFileThroughWatching() throws Exception {
        Path file = dir.resolve("t.json");
        Files.writeString(file, "[{\"targets\": [\"a:1\"]}]");
        start(Map.of("files", List.of("*.json"), "refresh_interval", "1h"));
        assertThat(nextUpdate()).singleElement().satisfies(g -> assertThat(g.targets()).hasSize(1));

        Files.writeString(file, "[{\"targets\": [\"a:1\", \"b:2\"]}]");

        assertThat(nextUpdate()).singleElement().satisfies(g -> assertThat(g.targets()).hasSize(2));
    }

    @Test
    void aBadFileKeepsItsLastGoodTargetsAndCountsAReadError() throws Exception {
        Path file = dir.resolve("t.json");
        Files.writeString(file, "[{\"targets\": [\"a:1\"]}]");
        TestMetricsRegistrar registrar = new TestMetricsRegistrar();
        FileSdMetrics metrics = new FileSdMetrics(registrar);
        TargetFileScanner scanner = new TargetFileScanner(List.of(FilePattern.of(dir, "*.json")), metrics,
                java.util.logging.Logger.getLogger("test"));
        List<TargetGroup> good = scanner.scan(true);
        assertThat(good).hasSize(1);

        Files.writeString(file, "[{\"targets\": [\"a:1\"");
        assertThat(scanner.scan(false)).as("a truncated file changes nothing").isEmpty();
        Files.writeString(file, "{\"targets\": 5}");
        assertThat(scanner.scan(false)).as("a malformed file changes nothing").isEmpty();

        assertThat(registrar.value("prometheus_sd_file_read_errors_total")).isEqualTo(2);
        assertThat(scanner.scan(true)).isEqualTo(good);
    }

    @Test
    void aRemovedFileRemovesItsGroups() throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, "- targets: ['a:1']\n- targets: ['b:1']\n");
        TargetFileScanner scanner = new TargetFileScanner(List.of(FilePattern.of(dir, "*.yaml")), new FileSdMetrics(new TestMetricsRegistrar()), java.util.logging.Logger.getLogger("test"));
        assertThat(scanner.scan(true)).hasSize(2);

        Files.delete(file);

        List<TargetGroup> removal = scanner.scan(false);
        assertThat(removal).extracting(TargetGroup::source).containsExactlyInAnyOrder(file + ":0", file + ":1");
        assertThat(removal).allSatisfy(g -> assertThat(g.targets()).isEmpty());
    }

    @Test
    void anUnchangedRescanSendsNothing() throws Exception {
        Files.writeString(dir.resolve("t.yaml"), "- targets: ['a:1']\n");
        TargetFileScanner scanner = new TargetFileScanner(List.of(FilePattern.of(dir, "*.yaml")), new FileSdMetrics(new TestMetricsRegistrar()), java.util.logging.Logger.getLogger("test"));
        scanner.scan(true);
        assertThat(scanner.scan(false)).isEmpty();
    }

    @Test
    void aGroupWithAnUnknownFieldIsAReadErrorNamingFileAndField() {
        TargetFileParser parser = new TargetFileParser();
        Path path = dir.resolve("x.json");
        assertThatThrownBy(() -> parser.parse(path, "[{\"targets\": [], \"lables\": {}}]".getBytes()))
                .isInstanceOf(TargetFileException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("group 0")
                .hasMessageContaining("lables");
        assertThatThrownBy(() -> parser.parse(path, "[{\"targets\": [7]}]".getBytes()))
                .hasMessageContaining("targets[0]");
        assertThatThrownBy(() -> parser.parse(dir.resolve("y.yml"), "- targets: [a\n  - b: ]]".getBytes()))
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void countsReadErrorsThroughTheContextsRegistrar() throws Exception {
        Files.writeString(dir.resolve("bad.json"), "nope");
        start(Map.of("files", List.of("*.json")));
        nextUpdate();
        assertThat(context().metrics().value("prometheus_sd_file_read_errors_total")).isEqualTo(1.0);
        assertThat(context().metrics().count("prometheus_sd_file_scan_duration_seconds")).isGreaterThanOrEqualTo(1.0);
    }

    private static Map<String, TargetGroup> bySource(List<TargetGroup> groups) {
        Map<String, TargetGroup> map = new HashMap<>();
        groups.forEach(g -> map.put(g.source(), g));
        return map;
    }
}
