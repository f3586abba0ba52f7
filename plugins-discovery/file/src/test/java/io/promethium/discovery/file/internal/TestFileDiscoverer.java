package io.promethium.discovery.file.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The file discoverer passes the api's discovery contract: a folder of target files is its world. */
class TestFileDiscoverer extends AbstractDiscovererContractTest {

    @TempDir
    Path dir;

    @Override
    protected TestPluginContext newContext() throws Exception {
        Files.writeString(dir.resolve("a.json"), "[{\"targets\": [\"a:1\"], \"labels\": {\"env\": \"x\"}}]");
        Files.writeString(dir.resolve("b.yml"), "- targets: ['b:2']\n");
        return new TestPluginContext(dir, "contract");
    }

    @Override
    protected FileDiscovererFactory factory() {
        return new FileDiscovererFactory();
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("files", List.of("*.json", "*.yml"), "refresh_interval", "1s");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected void changeTargets() throws Exception {
        Files.writeString(dir.resolve("a.json"), "[{\"targets\": [\"a:1\", \"c:3\"], \"labels\": {\"env\": \"x\"}}]");
    }

    /** A file's "peer" is its writer: a file left half-written cannot be read. */
    @Override
    protected boolean breakPeer() throws Exception {
        Files.writeString(dir.resolve("a.json"), "[{\"targets\": [\"a:1\"");
        return true;
    }

    @Override
    protected void removeSource() throws Exception {
        Files.deleteIfExists(dir.resolve("b.yml"));
    }
}
