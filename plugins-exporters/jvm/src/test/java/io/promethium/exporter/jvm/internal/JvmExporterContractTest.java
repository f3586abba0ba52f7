package io.promethium.exporter.jvm.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.testkit.AbstractExporterContractTest;

/** The kit's exporter contract on this JVM's own page. */
class JvmExporterContractTest extends AbstractExporterContractTest {

    @Override
    protected Exporter exporter() {
        return new JvmExporter();
    }
}
