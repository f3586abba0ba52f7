package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** The kernel's entropy pool, from {@code /proc/sys/kernel/random}. */
final class EntropyCollector implements NodeCollector {

    private final Path available;
    private final Path poolSize;
    private final ProcReader reader = new ProcReader();

    EntropyCollector(NodeSettings settings) {
        available = settings.procfs().resolve("sys/kernel/random/entropy_avail");
        poolSize = settings.procfs().resolve("sys/kernel/random/poolsize");
    }

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        out.single("node_entropy_available_bits", MetricType.GAUGE, "Bits of available entropy.", Labels.EMPTY,
                reader.longValue(available));
        out.single("node_entropy_pool_size_bits", MetricType.GAUGE, "Bits of entropy pool.", Labels.EMPTY,
                reader.longValue(poolSize));
    }
}
