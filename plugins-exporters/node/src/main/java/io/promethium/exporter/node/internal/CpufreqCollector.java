package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU frequencies (kHz in sysfs, hertz here) and the scaling governor, per CPU. */
final class CpufreqCollector implements NodeCollector {

    private static final String[][] FILES = {
        {"cpuinfo_cur_freq", "node_cpu_frequency_hertz", "Current CPU thread frequency in hertz."},
        {"cpuinfo_max_freq", "node_cpu_frequency_max_hertz", "Maximum CPU thread frequency in hertz."},
        {"cpuinfo_min_freq", "node_cpu_frequency_min_hertz", "Minimum CPU thread frequency in hertz."},
        {"scaling_cur_freq", "node_cpu_scaling_frequency_hertz", "Current scaled CPU thread frequency in hertz."},
        {"scaling_max_freq", "node_cpu_scaling_frequency_max_hertz", "Maximum scaled CPU thread frequency in hertz."},
        {"scaling_min_freq", "node_cpu_scaling_frequency_min_hertz", "Minimum scaled CPU thread frequency in hertz."},
    };

    private final Path cpus;
    private final LabelCache labels = new LabelCache("cpu");

    CpufreqCollector(NodeSettings settings) {
        this.cpus = settings.sysfs().resolve("devices/system/cpu");
    }

    @Override
    public String name() {
        return "cpufreq";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        for (Path cpu : Sysfs.numbered(cpus, "cpu")) {
            Path freq = cpu.resolve("cpufreq");
            if (!Files.isDirectory(freq)) {
                continue;
            }
            String n = Sysfs.suffix(cpu, "cpu");
            for (String[] f : FILES) {
                String value = Sysfs.readOrNull(freq.resolve(f[0]));
                if (value != null && !value.isEmpty()) {
                    out.single(f[1], MetricType.GAUGE, f[2], labels.of(n), Long.parseLong(value) * 1000.0);
                }
            }
            String governor = Sysfs.readOrNull(freq.resolve("scaling_governor"));
            String available = Sysfs.readOrNull(freq.resolve("scaling_available_governors"));
            if (governor != null && available != null) {
                out.family("node_cpu_scaling_governor", MetricType.GAUGE, "Current enabled CPU frequency governor.");
                for (String g : available.split("\\s+")) {
                    if (!g.isEmpty()) {
                        out.sample("node_cpu_scaling_governor", Labels.of("cpu", n, "governor", g), g.equals(governor) ? 1 : 0);
                    }
                }
            }
        }
    }
}
