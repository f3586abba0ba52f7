package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Network interface properties from {@code /sys/class/net/<iface>}, each attribute a {@code node_network_*} gauge. */
final class NetclassCollector implements NodeCollector {

    /** sysfs attribute, metric suffix, hexadecimal?, counter?. */
    private static final Object[][] PROPERTIES = {
        {"addr_assign_type", "address_assign_type", false, false},
        {"carrier", "carrier", false, false},
        {"carrier_changes", "carrier_changes_total", false, true},
        {"carrier_up_count", "carrier_up_changes_total", false, true},
        {"carrier_down_count", "carrier_down_changes_total", false, true},
        {"dev_id", "device_id", true, false},
        {"dormant", "dormant", false, false},
        {"flags", "flags", true, false},
        {"ifindex", "iface_id", false, false},
        {"iflink", "iface_link", false, false},
        {"link_mode", "iface_link_mode", false, false},
        {"mtu", "mtu_bytes", false, false},
        {"name_assign_type", "name_assign_type", false, false},
        {"netdev_group", "net_dev_group", false, false},
        {"tx_queue_len", "transmit_queue_length", false, false},
        {"type", "protocol_type", false, false},
    };

    private static final java.util.Map<String, String[]> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    private final NodeSettings settings;
    private final Path net;
    private final LabelCache labels = new LabelCache("device");
    private final ProcReader reader = new ProcReader();
    /** Per device, the paths of its attributes: built once, not on every scrape. */
    private final java.util.Map<String, Path[]> paths = new java.util.HashMap<>();
    private static final String[] INFO = {"operstate", "address", "broadcast", "duplex", "ifalias", "speed"};

    NetclassCollector(NodeSettings settings) {
        this.settings = settings;
        this.net = settings.sysfs().resolve("class/net");
    }

    @Override
    public String name() {
        return "netclass";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        if (!Files.isDirectory(net)) {
            throw new IOException(net + ": no such folder");
        }
        out.family("node_network_up", MetricType.GAUGE, "Value is 1 if operstate is 'up', 0 otherwise.");
        out.family("node_network_info", MetricType.GAUGE, "Non-numeric data from /sys/class/net/<iface>, value is always 1.");
        for (Path dir : Sysfs.list(net)) {
            if (!Files.isDirectory(dir)) {
                continue; // bonding_masters and other plain files
            }
            String device = dir.getFileName().toString();
            if (settings.netclassIgnoredDevices() != null && settings.netclassIgnoredDevices().matcher(device).find()) {
                continue;
            }
            Labels deviceLabels = labels.of(device);
            Path[] files = paths.computeIfAbsent(device, d -> attributePaths(dir));
            String operstate = orEmpty(reader.textOrNull(files[0]));
            out.family("node_network_up", MetricType.GAUGE, "");
            out.sample("node_network_up", deviceLabels, operstate.equals("up") ? 1 : 0);
            out.family("node_network_info", MetricType.GAUGE, "");
            out.sample("node_network_info", Labels.of("address", orEmpty(reader.textOrNull(files[1])),
                    "broadcast", orEmpty(reader.textOrNull(files[2])), "device", device,
                    "duplex", orEmpty(reader.textOrNull(files[3])),
                    "ifalias", orEmpty(reader.textOrNull(files[4])), "operstate", operstate), 1);
            for (int i = 0; i < PROPERTIES.length; i++) {
                Object[] p = PROPERTIES[i];
                String text = reader.textOrNull(files[INFO.length + i]);
                if (text == null || text.isEmpty()) {
                    continue;
                }
                long value;
                try {
                    value = (boolean) p[2] ? Long.decode(text.startsWith("0x") ? text : "0x" + text) : Long.parseLong(text);
                } catch (NumberFormatException e) {
                    continue;
                }
                push(out, (String) p[1], (boolean) p[3], deviceLabels, value);
            }
            String speed = reader.textOrNull(files[5]);
            if (speed != null && !speed.isEmpty()) {
                try {
                    long mbits = Long.parseLong(speed);
                    if (mbits >= 0 || !settings.netclassIgnoreInvalidSpeed()) {
                        push(out, "speed_bytes", false, deviceLabels, mbits * 1000 * 1000 / 8);
                    }
                } catch (NumberFormatException e) {
                    // not a number: left out, as node_exporter leaves it out
                }
            }
        }
    }

    private static Path[] attributePaths(Path dir) {
        Path[] files = new Path[INFO.length + PROPERTIES.length];
        for (int i = 0; i < INFO.length; i++) {
            files[i] = dir.resolve(INFO[i]);
        }
        for (int i = 0; i < PROPERTIES.length; i++) {
            files[INFO.length + i] = dir.resolve((String) PROPERTIES[i][0]);
        }
        return files;
    }

    private static void push(FamilyBuffer out, String suffix, boolean counter, Labels labels, double value) {
        String[] name = NAMES.computeIfAbsent(suffix, k -> new String[] {"node_network_" + k, "Network device property: " + k});
        out.single(name[0], counter ? MetricType.COUNTER : MetricType.GAUGE, name[1], labels, value);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
