package io.promethium.exporter.node.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The node exporter as a DS component: settings from the {@code promethium.flag.*} framework
 * properties (the flags of this bundle's {@code Promethium-Flags} header). On a flat class path
 * (ServiceLoader) the no-argument constructor reads them from system properties instead.
 */
@Component(service = Exporter.class)
public final class NodeExporterComponent implements Exporter {

    private volatile NodeExporter exporter;

    public NodeExporterComponent() {
        exporter = new NodeExporter(NodeSettings.from(System::getProperty));
    }

    @Activate
    public void activate(BundleContext context) {
        exporter = new NodeExporter(NodeSettings.from(context::getProperty));
    }

    @Override
    public String name() {
        return "node";
    }

    @Override
    public void collect(MetricWriter writer) {
        exporter.collect(writer);
    }
}
