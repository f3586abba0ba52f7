package io.promethium.example.mycorp.discovery;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every discoverer passes (initial groups, updates, vanished sources, a prompt
 * close that leaves no thread behind, config validation naming file:line:col, its metrics), run
 * against a temporary folder this test changes.
 */
class FolderDiscovererContractTest extends AbstractDiscovererContractTest {

    @TempDir
    Path configDirectory;

    @Override
    protected TestPluginContext newContext() throws Exception {
        Path folder = Files.createDirectories(configDirectory.resolve("targets"));
        Files.writeString(folder.resolve("web.targets"), "10.0.0.1:9100\n");
        Files.writeString(folder.resolve("db.targets"), "10.0.0.2:9187\n");
        return new TestPluginContext(configDirectory, "test-job");
    }

    @Override
    protected FolderDiscovererFactory factory() {
        return new FolderDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("directory", "targets", "refresh_interval", "100ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_" + FolderDiscovererFactory.TYPE + "_refresh_failures_total");
    }

    @Override
    protected void changeTargets() throws Exception {
        Files.writeString(configDirectory.resolve("targets/web.targets"), "10.0.0.3:9100\n", StandardOpenOption.APPEND);
    }

    @Override
    protected void removeSource() throws Exception {
        Files.delete(configDirectory.resolve("targets/db.targets"));
    }

    @Override
    protected boolean breakPeer() throws Exception {
        // A folder that cannot be read (here: gone, in one step) fails the refresh; the last targets stay.
        Files.move(configDirectory.resolve("targets"), configDirectory.resolve("targets.gone"));
        return true;
    }

    @Override
    protected Duration updateTimeout() {
        return Duration.ofSeconds(5);
    }
}
