package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Kernel counters from {@code /proc/stat}: interrupts, context switches, forks, boot time, running and blocked processes. */
final class StatCollector implements NodeCollector {

    private final Path file;
    private final ProcReader reader = new ProcReader();

    StatCollector(NodeSettings settings) {
        this.file = settings.procfs().resolve("stat");
    }

    @Override
    public String name() {
        return "stat";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        while (reader.nextLine()) {
            if (!reader.nextToken()) {
                continue;
            }
            if (reader.tokenIs("intr")) {
                value(out, "node_intr_total", MetricType.COUNTER, "Total number of interrupts serviced.");
            } else if (reader.tokenIs("ctxt")) {
                value(out, "node_context_switches_total", MetricType.COUNTER, "Total number of context switches.");
            } else if (reader.tokenIs("processes")) {
                value(out, "node_forks_total", MetricType.COUNTER, "Total number of forks.");
            } else if (reader.tokenIs("btime")) {
                value(out, "node_boot_time_seconds", MetricType.GAUGE, "Node boot time, in unixtime.");
            } else if (reader.tokenIs("procs_running")) {
                value(out, "node_procs_running", MetricType.GAUGE, "Number of processes in runnable state.");
            } else if (reader.tokenIs("procs_blocked")) {
                value(out, "node_procs_blocked", MetricType.GAUGE, "Number of processes blocked waiting for I/O to complete.");
            }
        }
    }

    private void value(FamilyBuffer out, String name, MetricType type, String help) throws IOException {
        if (!reader.nextToken()) {
            throw new IOException(file + ": no value in \"" + reader.line() + "\"");
        }
        out.single(name, type, help, Labels.EMPTY, reader.tokenLong());
    }
}
