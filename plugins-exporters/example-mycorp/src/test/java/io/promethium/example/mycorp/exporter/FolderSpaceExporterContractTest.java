package io.promethium.example.mycorp.exporter;

import io.promethium.api.collect.Exporter;
import io.promethium.testkit.AbstractExporterContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every exporter passes, from the test kit: families before their samples and in one
 * piece, valid names and suffixes, no duplicate series, counters not negative, concurrent
 * collections, a name usable in /exporters/<name>/metrics. This test only says how to build the
 * exporter; the checks are inherited.
 */
class FolderSpaceExporterContractTest extends AbstractExporterContractTest {

    @TempDir
    Path folder;

    @Override
    protected Exporter exporter() {
        return new FolderSpaceExporter(folder);
    }
}
