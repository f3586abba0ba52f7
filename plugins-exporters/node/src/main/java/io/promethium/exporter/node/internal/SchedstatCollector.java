package io.promethium.exporter.node.internal;

import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Scheduler statistics per CPU from {@code /proc/schedstat}: running and waiting seconds, time slices. */
final class SchedstatCollector implements NodeCollector {

    private final Path file;
    private final ProcReader reader = new ProcReader();
    private final LabelCache labels = new LabelCache("cpu");

    SchedstatCollector(NodeSettings settings) {
        this.file = settings.procfs().resolve("schedstat");
    }

    @Override
    public String name() {
        return "schedstat";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        out.family("node_schedstat_running_seconds_total", MetricType.COUNTER, "Number of seconds CPU spent running a process.");
        out.family("node_schedstat_waiting_seconds_total", MetricType.COUNTER, "Number of seconds spent by processing waiting for this CPU.");
        out.family("node_schedstat_timeslices_total", MetricType.COUNTER, "Number of timeslices executed by CPU.");
        while (reader.nextLine()) {
            if (!reader.nextToken() || !reader.tokenStartsWith("cpu")) {
                continue;
            }
            String cpu = reader.token().substring(3);
            if (!reader.skipTokens(6) || !reader.nextToken()) {
                throw new IOException(file + ": too few fields in \"" + reader.line() + "\"");
            }
            double running = reader.tokenLong() / 1e9;
            if (!reader.nextToken()) {
                throw new IOException(file + ": too few fields in \"" + reader.line() + "\"");
            }
            double waiting = reader.tokenLong() / 1e9;
            if (!reader.nextToken()) {
                throw new IOException(file + ": too few fields in \"" + reader.line() + "\"");
            }
            double slices = reader.tokenLong();
            out.family("node_schedstat_running_seconds_total", MetricType.COUNTER, "");
            out.sample("node_schedstat_running_seconds_total", labels.of(cpu), running);
            out.family("node_schedstat_waiting_seconds_total", MetricType.COUNTER, "");
            out.sample("node_schedstat_waiting_seconds_total", labels.of(cpu), waiting);
            out.family("node_schedstat_timeslices_total", MetricType.COUNTER, "");
            out.sample("node_schedstat_timeslices_total", labels.of(cpu), slices);
        }
    }
}
