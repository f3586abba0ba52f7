package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}. */
final class LoadavgCollector implements NodeCollector {

    private final Path file;
    private final ProcReader reader = new ProcReader();

    LoadavgCollector(NodeSettings settings) {
        this.file = settings.procfs().resolve("loadavg");
    }

    @Override
    public String name() {
        return "loadavg";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        if (!reader.nextLine() || !reader.nextToken()) {
            throw new IOException(file + ": empty");
        }
        double one = reader.tokenDouble();
        if (!reader.nextToken()) {
            throw new IOException(file + ": too few fields");
        }
        double five = reader.tokenDouble();
        if (!reader.nextToken()) {
            throw new IOException(file + ": too few fields");
        }
        double fifteen = reader.tokenDouble();
        out.single("node_load1", MetricType.GAUGE, "1m load average.", Labels.EMPTY, one);
        out.single("node_load5", MetricType.GAUGE, "5m load average.", Labels.EMPTY, five);
        out.single("node_load15", MetricType.GAUGE, "15m load average.", Labels.EMPTY, fifteen);
    }
}
