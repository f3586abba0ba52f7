package io.promethium.exporter.node.internal;

import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Per-CPU packet processing counters from {@code /proc/net/softnet_stat} (hexadecimal, one line per CPU). */
final class SoftnetCollector implements NodeCollector {

    private final Path file;
    private final ProcReader reader = new ProcReader();
    private final LabelCache labels = new LabelCache("cpu");
    private String[] cpus = new String[0];

    SoftnetCollector(NodeSettings settings) {
        this.file = settings.procfs().resolve("net/softnet_stat");
    }

    @Override
    public String name() {
        return "softnet";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        out.family("node_softnet_processed_total", MetricType.COUNTER, "Number of processed packets");
        out.family("node_softnet_dropped_total", MetricType.COUNTER, "Number of dropped packets");
        out.family("node_softnet_times_squeezed_total", MetricType.COUNTER, "Number of times processing packets ran out of quota");
        for (int cpu = 0; reader.nextLine(); cpu++) {
            if (!reader.nextToken()) {
                continue;
            }
            long processed = reader.tokenHex();
            if (!reader.nextToken()) {
                throw new IOException(file + ": too few fields in \"" + reader.line() + "\"");
            }
            long dropped = reader.tokenHex();
            if (!reader.nextToken()) {
                throw new IOException(file + ": too few fields in \"" + reader.line() + "\"");
            }
            long squeezed = reader.tokenHex();
            String name = cpuName(cpu);
            out.family("node_softnet_processed_total", MetricType.COUNTER, "");
            out.sample("node_softnet_processed_total", labels.of(name), processed);
            out.family("node_softnet_dropped_total", MetricType.COUNTER, "");
            out.sample("node_softnet_dropped_total", labels.of(name), dropped);
            out.family("node_softnet_times_squeezed_total", MetricType.COUNTER, "");
            out.sample("node_softnet_times_squeezed_total", labels.of(name), squeezed);
        }
    }

    private String cpuName(int cpu) {
        if (cpu >= cpus.length) {
            String[] grown = java.util.Arrays.copyOf(cpus, cpu + 8);
            for (int i = cpus.length; i < grown.length; i++) {
                grown[i] = Integer.toString(i);
            }
            cpus = grown;
        }
        return cpus[cpu];
    }
}
