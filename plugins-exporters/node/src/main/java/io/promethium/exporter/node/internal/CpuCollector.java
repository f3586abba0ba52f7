package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seconds per CPU and mode from {@code /proc/stat}, guest seconds, and the thermal throttle
 * counters from sysfs where the kernel has them.
 */
final class CpuCollector implements NodeCollector {

    /** Linux's USER_HZ: /proc/stat counts in 1/100 s on every architecture. */
    private static final double USER_HZ = 100.0;
    private static final String[] MODES = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"};

    private final NodeSettings settings;
    private final Path stat;
    private final Path cpus;
    private final ProcReader reader = new ProcReader();
    private final LabelCache cpuMode = new LabelCache("cpu", "mode");
    private final StringBuilder number = new StringBuilder();
    private final Map<String, String> cpuNames = new java.util.HashMap<>();

    CpuCollector(NodeSettings settings) {
        this.settings = settings;
        this.stat = settings.procfs().resolve("stat");
        this.cpus = settings.sysfs().resolve("devices/system/cpu");
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(stat);
        out.family("node_cpu_seconds_total", MetricType.COUNTER, "Seconds the CPUs spent in each mode.");
        if (settings.cpuGuest()) {
            out.family("node_cpu_guest_seconds_total", MetricType.COUNTER, "Seconds the CPUs spent in guests (VMs) for each mode.");
        }
        while (reader.nextLine()) {
            if (!reader.nextToken() || !reader.tokenStartsWith("cpu") || reader.tokenIs("cpu")) {
                continue;
            }
            String cpu = cpuNumber(reader.token());
            for (int m = 0; m < MODES.length; m++) {
                if (!reader.nextToken()) {
                    throw new IOException(stat + ": too few fields in \"" + reader.line() + "\"");
                }
                out.family("node_cpu_seconds_total", MetricType.COUNTER, "");
                out.sample("node_cpu_seconds_total", cpuMode.of(cpu, MODES[m]), reader.tokenLong() / USER_HZ);
            }
            if (settings.cpuGuest() && reader.nextToken()) {
                double guest = reader.tokenLong() / USER_HZ;
                double guestNice = reader.nextToken() ? reader.tokenLong() / USER_HZ : 0;
                out.family("node_cpu_guest_seconds_total", MetricType.COUNTER, "");
                out.sample("node_cpu_guest_seconds_total", cpuMode.of(cpu, "user"), guest);
                out.sample("node_cpu_guest_seconds_total", cpuMode.of(cpu, "nice"), guestNice);
            }
        }
        throttles(out);
    }

    private String cpuNumber(String token) {
        String cached = cpuNames.get(token);
        if (cached == null) {
            number.setLength(0);
            cached = token.substring(3);
            cpuNames.put(token, cached);
        }
        return cached;
    }

    /** Core and package throttle counts, one per core and per package (not per thread), as node_exporter. */
    private void throttles(FamilyBuffer out) throws IOException {
        Map<String, Long> cores = new TreeMap<>();
        Map<String, Long> packages = new TreeMap<>();
        for (Path cpu : Sysfs.numbered(cpus, "cpu")) {
            Path throttle = cpu.resolve("thermal_throttle");
            String pkg = Sysfs.readOrNull(cpu.resolve("topology/physical_package_id"));
            String core = Sysfs.readOrNull(cpu.resolve("topology/core_id"));
            if (pkg == null || core == null) {
                continue;
            }
            String coreCount = Sysfs.readOrNull(throttle.resolve("core_throttle_count"));
            if (coreCount != null) {
                cores.putIfAbsent(pkg + "\u0000" + core, Long.parseLong(coreCount));
            }
            String packageCount = Sysfs.readOrNull(throttle.resolve("package_throttle_count"));
            if (packageCount != null) {
                packages.putIfAbsent(pkg, Long.parseLong(packageCount));
            }
        }
        if (!cores.isEmpty()) {
            out.family("node_cpu_core_throttles_total", MetricType.COUNTER, "Number of times this CPU core has been throttled.");
            for (Map.Entry<String, Long> e : cores.entrySet()) {
                String[] key = e.getKey().split("\u0000");
                out.sample("node_cpu_core_throttles_total", Labels.of("core", key[1], "package", key[0]), e.getValue());
            }
        }
        if (!packages.isEmpty()) {
            out.family("node_cpu_package_throttles_total", MetricType.COUNTER, "Number of times this CPU package has been throttled.");
            for (Map.Entry<String, Long> e : packages.entrySet()) {
                out.sample("node_cpu_package_throttles_total", Labels.of("package", e.getKey()), e.getValue());
            }
        }
    }
}
