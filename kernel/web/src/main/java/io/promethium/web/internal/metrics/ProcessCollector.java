package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code process_*} metrics every Prometheus client exposes (start time, CPU, memory, file
 * descriptors), read from {@code /proc} on Linux, so standard dashboards work.
 */
public final class ProcessCollector implements Collector {

    private final double startTimeSeconds = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;

    @Override
    public void collect(MetricWriter writer) {
        writer.family("process_start_time_seconds", MetricType.GAUGE, "Start time of the process since unix epoch in seconds.", "");
        writer.sample("process_start_time_seconds", startTimeSeconds);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            writer.family("process_cpu_seconds_total", MetricType.COUNTER, "Total user and system CPU time spent in seconds.", "");
            writer.sample("process_cpu_seconds_total", os.getProcessCpuTime() / 1e9);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            writer.family("process_open_fds", MetricType.GAUGE, "Number of open file descriptors.", "");
            writer.sample("process_open_fds", unix.getOpenFileDescriptorCount());
            writer.family("process_max_fds", MetricType.GAUGE, "Maximum number of open file descriptors.", "");
            writer.sample("process_max_fds", unix.getMaxFileDescriptorCount());
        }
        long[] memory = statm();
        if (memory != null) {
            writer.family("process_virtual_memory_bytes", MetricType.GAUGE, "Virtual memory size in bytes.", "");
            writer.sample("process_virtual_memory_bytes", memory[0]);
            writer.family("process_resident_memory_bytes", MetricType.GAUGE, "Resident memory size in bytes.", "");
            writer.sample("process_resident_memory_bytes", memory[1]);
        }
    }

    /** Virtual and resident bytes from {@code /proc/self/statm}, or null off Linux. */
    private static long[] statm() {
        try {
            List<String> fields = List.of(Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+"));
            long page = 4096;
            return new long[] {Long.parseLong(fields.get(0)) * page, Long.parseLong(fields.get(1)) * page};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
