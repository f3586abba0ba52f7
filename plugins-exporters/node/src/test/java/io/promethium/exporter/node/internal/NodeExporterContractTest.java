package io.promethium.exporter.node.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.testkit.AbstractExporterContractTest;
import java.util.Map;

/** The kit's exporter contract on this host's page, every default collector enabled. */
class NodeExporterContractTest extends AbstractExporterContractTest {

    @Override
    protected Exporter exporter() {
        return new NodeExporter(NodeSettings.from(Map.<String, String>of()::get));
    }
}
