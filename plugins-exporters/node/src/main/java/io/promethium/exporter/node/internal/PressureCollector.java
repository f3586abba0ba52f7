package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Pressure stall information from {@code /proc/pressure}: total stall time per resource, in seconds. */
final class PressureCollector implements NodeCollector {

    private final Path dir;
    private final ProcReader reader = new ProcReader();

    PressureCollector(NodeSettings settings) {
        this.dir = settings.procfs().resolve("pressure");
    }

    @Override
    public String name() {
        return "pressure";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        read("cpu");
        out.single("node_pressure_cpu_waiting_seconds_total", MetricType.COUNTER,
                "Total time in seconds that processes have waited for CPU time", Labels.EMPTY, some / 1e6);
        read("io");
        out.single("node_pressure_io_waiting_seconds_total", MetricType.COUNTER,
                "Total time in seconds that processes have waited due to IO congestion", Labels.EMPTY, some / 1e6);
        out.single("node_pressure_io_stalled_seconds_total", MetricType.COUNTER,
                "Total time in seconds no process could make progress due to IO congestion", Labels.EMPTY, full / 1e6);
        read("memory");
        out.single("node_pressure_memory_waiting_seconds_total", MetricType.COUNTER,
                "Total time in seconds that processes have waited for memory", Labels.EMPTY, some / 1e6);
        out.single("node_pressure_memory_stalled_seconds_total", MetricType.COUNTER,
                "Total time in seconds no process could make progress due to memory congestion", Labels.EMPTY, full / 1e6);
    }

    private long some;
    private long full;

    /** The {@code total=} microseconds of the {@code some} and {@code full} lines. */
    private void read(String resource) throws IOException {
        Path file = dir.resolve(resource);
        reader.read(file);
        some = 0;
        full = 0;
        while (reader.nextLine()) {
            if (!reader.nextToken()) {
                continue;
            }
            boolean isSome = reader.tokenIs("some");
            boolean isFull = reader.tokenIs("full");
            while (reader.nextToken()) {
                if (reader.tokenStartsWith("total=")) {
                    String total = reader.token().substring(6);
                    long value;
                    try {
                        value = Long.parseLong(total);
                    } catch (NumberFormatException e) {
                        throw new IOException(file + ": malformed total \"" + total + "\"");
                    }
                    if (isSome) {
                        some = value;
                    } else if (isFull) {
                        full = value;
                    }
                }
            }
        }
    }
}
