package io.promethium.exporter.jvm.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import org.osgi.service.component.annotations.Component;

/** The JVM exporter as a DS component (and, by its no-argument constructor, for ServiceLoader). */
@Component(service = Exporter.class)
public final class JvmExporterComponent implements Exporter {

    private final JvmExporter exporter = new JvmExporter();

    public JvmExporterComponent() {
    }

    @Override
    public String name() {
        return exporter.name();
    }

    @Override
    public void collect(MetricWriter writer) {
        exporter.collect(writer);
    }
}
