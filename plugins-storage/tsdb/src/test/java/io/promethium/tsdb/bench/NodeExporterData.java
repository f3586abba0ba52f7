package io.promethium.tsdb.bench;

import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic scrapes shaped like node_exporter's: per host about 100 series — CPU-seconds
 * counters with centisecond resolution at varied rates, byte counters, memory and filesystem
 * gauges moving in page-sized random walks, load averages with two decimals, and constant series
 * (info metrics, sizes, boot time). Timestamps are 15 s apart per host with a per-host offset;
 * one scrape in twenty is a few milliseconds late, as real scrapes are.
 */
final class NodeExporterData {
    static final long INTERVAL = 15_000;
    private static final String[] CPU_MODES = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
    private static final double[] CPU_RATES = {0.82, 0.01, 0.002, 0.0005, 0.004, 0, 0.05, 0.11};

    /** How a series' value evolves: kind, current value (scaled integer), step and scale. */
    private static final int COUNTER = 0;
    private static final int GAUGE = 1;
    private static final int CONSTANT = 2;

    final Labels[] labels;
    final int[] host;
    private final int[] kind;
    private final long[] value;
    private final long[] rate;
    private final long[] stepSize;
    private final double[] scale;
    final long[] offset;
    final int hosts;
    final int seriesPerHost;
    private long rnd = 0x9E3779B97F4A7C15L;

    NodeExporterData(int targetSeries) {
        List<Object[]> perHost = template();
        seriesPerHost = perHost.size();
        hosts = Math.max(1, targetSeries / seriesPerHost);
        int n = hosts * seriesPerHost;
        labels = new Labels[n];
        host = new int[n];
        kind = new int[n];
        value = new long[n];
        rate = new long[n];
        stepSize = new long[n];
        scale = new double[n];
        offset = new long[hosts];
        int i = 0;
        for (int h = 0; h < hosts; h++) {
            offset[h] = (h * 137L) % INTERVAL;
            String instance = "node-" + h + ".dc1.example.com:9100";
            for (Object[] t : perHost) {
                Labels.Builder b = ((Labels) t[0]).toBuilder();
                b.set("instance", instance).set("job", "node");
                labels[i] = b.build();
                host[i] = h;
                kind[i] = (Integer) t[1];
                double base = (Double) t[2];
                double r = (Double) t[3];
                scale[i] = (Double) t[4];
                // Vary rates and levels per host so series differ.
                double factor = 0.5 + next(1000) / 1000.0;
                value[i] = Math.round(base * factor * scale[i]);
                rate[i] = Math.round(r * factor * scale[i] * INTERVAL / 1000.0);
                stepSize[i] = (Long) t[5];
                i++;
            }
        }
    }

    private static List<Object[]> template() {
        List<Object[]> t = new ArrayList<>();
        for (int cpu = 0; cpu < 8; cpu++) {
            for (int m = 0; m < CPU_MODES.length; m++) {
                t.add(new Object[] {Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(cpu), "mode", CPU_MODES[m]),
                        COUNTER, 100_000.0 * CPU_RATES[m], CPU_RATES[m], 100.0, 2L});
            }
        }
        String[] mem = {"MemFree", "MemAvailable", "Cached", "Buffers", "Active", "Inactive", "Dirty", "Slab"};
        for (String m : mem) {
            t.add(new Object[] {Labels.of("__name__", "node_memory_" + m + "_bytes"), GAUGE, 4e9, 0.0, 1.0 / 4096, 40L});
        }
        t.add(new Object[] {Labels.of("__name__", "node_memory_MemTotal_bytes"), CONSTANT, 16e9, 0.0, 1.0, 0L});
        String[][] fs = {{"/dev/sda1", "/", "ext4"}, {"/dev/sdb1", "/data", "xfs"}, {"tmpfs", "/run", "tmpfs"}};
        for (String[] f : fs) {
            Labels l = Labels.of("device", f[0], "mountpoint", f[1], "fstype", f[2]);
            t.add(new Object[] {l.toBuilder().set("__name__", "node_filesystem_size_bytes").build(), CONSTANT, 5e11, 0.0, 1.0, 0L});
            t.add(new Object[] {l.toBuilder().set("__name__", "node_filesystem_avail_bytes").build(), GAUGE, 2e11, 0.0, 1.0 / 4096, 20L});
            t.add(new Object[] {l.toBuilder().set("__name__", "node_filesystem_files_free").build(), GAUGE, 3e7, 0.0, 1.0, 30L});
            t.add(new Object[] {l.toBuilder().set("__name__", "node_filesystem_readonly").build(), CONSTANT, 0.0, 0.0, 1.0, 0L});
        }
        String[] devices = {"eth0", "eth1", "lo", "docker0"};
        for (String d : devices) {
            t.add(new Object[] {Labels.of("__name__", "node_network_receive_bytes_total", "device", d), COUNTER, 1e10, 80_000.0, 1.0, 30_000L});
            t.add(new Object[] {Labels.of("__name__", "node_network_transmit_bytes_total", "device", d), COUNTER, 5e9, 30_000.0, 1.0, 20_000L});
            t.add(new Object[] {Labels.of("__name__", "node_network_receive_packets_total", "device", d), COUNTER, 1e7, 90.0, 1.0, 40L});
            t.add(new Object[] {Labels.of("__name__", "node_network_transmit_packets_total", "device", d), COUNTER, 8e6, 60.0, 1.0, 30L});
        }
        for (String d : new String[] {"sda", "sdb"}) {
            t.add(new Object[] {Labels.of("__name__", "node_disk_read_bytes_total", "device", d), COUNTER, 1e10, 20_000.0, 1.0 / 512, 50L});
            t.add(new Object[] {Labels.of("__name__", "node_disk_written_bytes_total", "device", d), COUNTER, 2e10, 50_000.0, 1.0 / 512, 90L});
            t.add(new Object[] {Labels.of("__name__", "node_disk_io_time_seconds_total", "device", d), COUNTER, 5000.0, 0.02, 1000.0, 8L});
        }
        t.add(new Object[] {Labels.of("__name__", "node_load1"), GAUGE, 1.2, 0.0, 100.0, 9L});
        t.add(new Object[] {Labels.of("__name__", "node_load5"), GAUGE, 1.1, 0.0, 100.0, 4L});
        t.add(new Object[] {Labels.of("__name__", "node_load15"), GAUGE, 1.0, 0.0, 100.0, 2L});
        t.add(new Object[] {Labels.of("__name__", "node_boot_time_seconds"), CONSTANT, 1.7e9, 0.0, 1.0, 0L});
        t.add(new Object[] {Labels.of("__name__", "node_uname_info", "release", "6.8.0-45-generic", "machine", "x86_64"), CONSTANT, 1.0, 0.0, 1.0, 0L});
        t.add(new Object[] {Labels.of("__name__", "node_exporter_build_info", "version", "1.8.2", "goversion", "go1.22.5"), CONSTANT, 1.0, 0.0, 1.0, 0L});
        t.add(new Object[] {Labels.of("__name__", "up"), CONSTANT, 1.0, 0.0, 1.0, 0L});
        t.add(new Object[] {Labels.of("__name__", "node_procs_running"), GAUGE, 3.0, 0.0, 1.0, 2L});
        t.add(new Object[] {Labels.of("__name__", "node_context_switches_total"), COUNTER, 1e9, 4000.0, 1.0, 3000L});
        t.add(new Object[] {Labels.of("__name__", "node_intr_total"), COUNTER, 8e8, 3000.0, 1.0, 2000L});
        t.add(new Object[] {Labels.of("__name__", "node_time_seconds"), COUNTER, 1.7e9, 1.0, 1000.0, 3L});
        return t;
    }

    private long next(int bound) {
        rnd ^= rnd << 13;
        rnd ^= rnd >>> 7;
        rnd ^= rnd << 17;
        return Math.floorMod(rnd, bound);
    }

    /** The timestamp of scrape {@code step} of a host, with occasional jitter. */
    long timestamp(long start, int h, long step) {
        long t = start + step * INTERVAL + offset[h];
        if (((step * 31 + h) % 20) == 0) {
            t += 1 + ((step + h) % 4);
        }
        return t;
    }

    /** Advances series {@code i} one scrape and returns its new value. Not thread-safe across the same series. */
    double advance(int i, long[] state) {
        switch (kind[i]) {
            case COUNTER -> {
                long noise = stepSize[i] == 0 ? 0 : Math.floorMod(mix(state, i), stepSize[i] + 1) - stepSize[i] / 2;
                value[i] += Math.max(0, rate[i] + noise);
            }
            case GAUGE -> {
                long s = stepSize[i];
                // A random walk that mostly moves a little and sometimes stays put.
                long r = mix(state, i);
                if ((r & 3) != 0) {
                    value[i] += Math.floorMod(r >>> 2, 2 * s + 1) - s;
                }
            }
            default -> {
            }
        }
        double sc = scale[i];
        return sc == 1.0 ? (double) value[i] : sc < 1.0 ? (double) value[i] * Math.round(1 / sc) : value[i] / sc;
    }

    private static long mix(long[] state, int i) {
        long x = state[0] + i * 0x9E3779B97F4A7C15L;
        state[0] = x;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }

    int size() {
        return labels.length;
    }
}
