package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Per-interface traffic counters from {@code /proc/net/dev}, plus {@code receive_nohandler} from
 * sysfs (node_exporter reads it over netlink), filtered by the device include/exclude patterns.
 */
final class NetdevCollector implements NodeCollector {

    private static final String[] FIELDS = {"receive_bytes", "receive_packets", "receive_errs", "receive_drop",
            "receive_fifo", "receive_frame", "receive_compressed", "receive_multicast", "transmit_bytes",
            "transmit_packets", "transmit_errs", "transmit_drop", "transmit_fifo", "transmit_colls",
            "transmit_carrier", "transmit_compressed"};
    private static final String[] NAMES = new String[FIELDS.length];
    private static final String[] HELPS = new String[FIELDS.length];
    private static final String NOHANDLER = "node_network_receive_nohandler_total";

    static {
        for (int i = 0; i < FIELDS.length; i++) {
            NAMES[i] = "node_network_" + FIELDS[i] + "_total";
            HELPS[i] = "Network device statistic " + FIELDS[i] + ".";
        }
    }

    private final NodeSettings settings;
    private final Path file;
    private final Path sysNet;
    private final ProcReader reader = new ProcReader();
    private final ProcReader sysReader = new ProcReader();
    private final LabelCache labels = new LabelCache("device");

    NetdevCollector(NodeSettings settings) {
        this.settings = settings;
        this.file = settings.procfs().resolve("net/dev");
        this.sysNet = settings.sysfs().resolve("class/net");
    }

    @Override
    public String name() {
        return "netdev";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        for (int i = 0; i < FIELDS.length; i++) {
            out.family(NAMES[i], MetricType.COUNTER, HELPS[i]);
            if (i == 7) {
                out.family(NOHANDLER, MetricType.COUNTER, "Network device statistic receive_nohandler.");
            }
        }
        while (reader.nextLine()) {
            String device = reader.tokenUntil(':');
            if (device == null || device.contains("|")) {
                continue; // the two header lines
            }
            if (!NodeSettings.accepts(settings.netdevDeviceInclude(), settings.netdevDeviceExclude(), device)) {
                continue;
            }
            Labels deviceLabels = labels.of(device);
            for (int i = 0; i < FIELDS.length; i++) {
                if (!reader.nextToken()) {
                    throw new IOException(file + ": too few fields for " + device);
                }
                out.family(NAMES[i], MetricType.COUNTER, "");
                out.sample(NAMES[i], deviceLabels, reader.tokenLong());
            }
            if (sysReader.tryRead(sysNet.resolve(device).resolve("statistics/rx_nohandler"))
                    && sysReader.nextLine() && sysReader.nextToken()) {
                out.family(NOHANDLER, MetricType.COUNTER, "");
                out.sample(NOHANDLER, deviceLabels, sysReader.tokenLong());
            }
        }
    }
}
