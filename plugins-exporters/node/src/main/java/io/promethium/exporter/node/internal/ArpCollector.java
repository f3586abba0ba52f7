package io.promethium.exporter.node.internal;

import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** {@code node_arp_entries} per device, from {@code /proc/net/arp}. */
final class ArpCollector implements NodeCollector {

    private final NodeSettings settings;
    private final Path file;
    private final ProcReader reader = new ProcReader();
    private final LabelCache labels = new LabelCache("device");
    private final Map<String, int[]> counts = new TreeMap<>();

    ArpCollector(NodeSettings settings) {
        this.settings = settings;
        this.file = settings.procfs().resolve("net/arp");
    }

    @Override
    public String name() {
        return "arp";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        for (int[] c : counts.values()) {
            c[0] = 0;
        }
        reader.nextLine(); // header
        while (reader.nextLine()) {
            if (reader.lineEmpty()) {
                continue;
            }
            if (!reader.skipTokens(5) || !reader.nextToken()) {
                throw new IOException(file + ": malformed line \"" + reader.line() + "\"");
            }
            String device = reader.token();
            if (NodeSettings.accepts(settings.arpDeviceInclude(), settings.arpDeviceExclude(), device)) {
                counts.computeIfAbsent(device, d -> new int[1])[0]++;
            }
        }
        out.family("node_arp_entries", MetricType.GAUGE, "ARP entries by device");
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            if (e.getValue()[0] > 0) {
                out.sample("node_arp_entries", labels.of(e.getKey()), e.getValue()[0]);
            }
        }
    }
}
