package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Block device I/O statistics from {@code /proc/diskstats}, and {@code node_disk_info} with udev's properties. */
final class DiskstatsCollector implements NodeCollector {

    /** /proc/diskstats counts 512-byte sectors whatever the device's sector size. */
    private static final double SECTOR = 512;
    private static final double MS = 0.001;

    /** Per field of /proc/diskstats after major, minor and name: metric, type, help, scale. */
    private static final Object[][] FIELDS = {
        {"node_disk_reads_completed_total", MetricType.COUNTER, "The total number of reads completed successfully.", 1.0},
        {"node_disk_reads_merged_total", MetricType.COUNTER, "The total number of reads merged.", 1.0},
        {"node_disk_read_bytes_total", MetricType.COUNTER, "The total number of bytes read successfully.", SECTOR},
        {"node_disk_read_time_seconds_total", MetricType.COUNTER, "The total number of seconds spent by all reads.", MS},
        {"node_disk_writes_completed_total", MetricType.COUNTER, "The total number of writes completed successfully.", 1.0},
        {"node_disk_writes_merged_total", MetricType.COUNTER, "The number of writes merged.", 1.0},
        {"node_disk_written_bytes_total", MetricType.COUNTER, "The total number of bytes written successfully.", SECTOR},
        {"node_disk_write_time_seconds_total", MetricType.COUNTER, "This is the total number of seconds spent by all writes.", MS},
        {"node_disk_io_now", MetricType.GAUGE, "The number of I/Os currently in progress.", 1.0},
        {"node_disk_io_time_seconds_total", MetricType.COUNTER, "Total seconds spent doing I/Os.", MS},
        {"node_disk_io_time_weighted_seconds_total", MetricType.COUNTER, "The weighted # of seconds spent doing I/Os.", MS},
        {"node_disk_discards_completed_total", MetricType.COUNTER, "The total number of discards completed successfully.", 1.0},
        {"node_disk_discards_merged_total", MetricType.COUNTER, "The total number of discards merged.", 1.0},
        {"node_disk_discarded_sectors_total", MetricType.COUNTER, "The total number of sectors discarded successfully.", 1.0},
        {"node_disk_discard_time_seconds_total", MetricType.COUNTER, "This is the total number of seconds spent by all discards.", MS},
        {"node_disk_flush_requests_total", MetricType.COUNTER, "The total number of flush requests completed successfully", 1.0},
        {"node_disk_flush_requests_time_seconds_total", MetricType.COUNTER, "This is the total number of seconds spent by all flush requests.", MS},
    };

    private final NodeSettings settings;
    private final Path file;
    private final ProcReader reader = new ProcReader();
    private final LabelCache labels = new LabelCache("device");
    private final Map<String, Labels> infoLabels = new HashMap<>();

    DiskstatsCollector(NodeSettings settings) {
        this.settings = settings;
        this.file = settings.procfs().resolve("diskstats");
    }

    @Override
    public String name() {
        return "diskstats";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        out.family("node_disk_info", MetricType.GAUGE, "Info of /sys/block/<block_device>.");
        for (Object[] f : FIELDS) {
            out.family((String) f[0], (MetricType) f[1], (String) f[2]);
        }
        while (reader.nextLine()) {
            if (!reader.nextToken()) {
                continue;
            }
            String major = reader.token();
            if (!reader.nextToken()) {
                throw new IOException(file + ": malformed line \"" + reader.line() + "\"");
            }
            String minor = reader.token();
            if (!reader.nextToken()) {
                throw new IOException(file + ": malformed line \"" + reader.line() + "\"");
            }
            String device = reader.token();
            if (!NodeSettings.accepts(settings.diskstatsDeviceInclude(), settings.diskstatsDeviceExclude(), device)) {
                continue;
            }
            Labels deviceLabels = labels.of(device);
            out.family("node_disk_info", MetricType.GAUGE, "");
            out.sample("node_disk_info", info(device, major, minor), 1);
            for (Object[] f : FIELDS) {
                if (!reader.nextToken()) {
                    break; // older kernels have fewer fields (no discards, no flushes)
                }
                out.family((String) f[0], (MetricType) f[1], "");
                out.sample((String) f[0], deviceLabels, reader.tokenLong() * (double) f[3]);
            }
        }
    }

    /** The info labels, with udev's path, wwn, model, serial and revision when its database is readable. */
    private Labels info(String device, String major, String minor) {
        String key = device + ' ' + major + ':' + minor;
        Labels cached = infoLabels.get(key);
        if (cached != null) {
            return cached;
        }
        Map<String, String> udev = new HashMap<>();
        Path data = settings.udevData().resolve("b" + major + ":" + minor);
        if (Files.isReadable(data)) {
            String text = Sysfs.readOrNull(data);
            if (text != null) {
                for (String line : text.split("\n")) {
                    int eq = line.indexOf('=');
                    if (line.startsWith("E:") && eq > 2) {
                        udev.put(line.substring(2, eq), line.substring(eq + 1));
                    }
                }
            }
        }
        Labels labels = Labels.of("device", device, "major", major, "minor", minor,
                "model", udev.getOrDefault("ID_MODEL", ""), "path", udev.getOrDefault("ID_PATH", ""),
                "revision", udev.getOrDefault("ID_REVISION", ""), "serial",
                udev.getOrDefault("ID_SERIAL_SHORT", udev.getOrDefault("ID_SERIAL", "")),
                "wwn", udev.getOrDefault("ID_WWN", ""));
        infoLabels.put(key, labels);
        return labels;
    }
}
