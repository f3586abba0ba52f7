package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Thermal zone temperatures and cooling device states from {@code /sys/class/thermal}. */
final class ThermalZoneCollector implements NodeCollector {

    private final Path thermal;

    ThermalZoneCollector(NodeSettings settings) {
        this.thermal = settings.sysfs().resolve("class/thermal");
    }

    @Override
    public String name() {
        return "thermal_zone";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        for (Path zone : Sysfs.numbered(thermal, "thermal_zone")) {
            String type = Sysfs.readOrNull(zone.resolve("type"));
            String temp = Sysfs.readOrNull(zone.resolve("temp"));
            if (type == null || temp == null) {
                continue; // a zone whose sensor cannot be read right now is left out, as node_exporter does
            }
            out.single("node_thermal_zone_temp", MetricType.GAUGE, "Zone temperature in Celsius",
                    Labels.of("type", type, "zone", Sysfs.suffix(zone, "thermal_zone")), number(zone, temp) / 1000.0);
        }
        for (Path device : Sysfs.numbered(thermal, "cooling_device")) {
            String type = Sysfs.readOrNull(device.resolve("type"));
            String current = Sysfs.readOrNull(device.resolve("cur_state"));
            String max = Sysfs.readOrNull(device.resolve("max_state"));
            if (type == null || current == null || max == null) {
                continue;
            }
            Labels labels = Labels.of("name", Sysfs.suffix(device, "cooling_device"), "type", type);
            out.single("node_cooling_device_cur_state", MetricType.GAUGE, "Current throttle state of the cooling device",
                    labels, number(device, current));
            out.single("node_cooling_device_max_state", MetricType.GAUGE, "Maximum throttle state of the cooling device",
                    labels, number(device, max));
        }
    }

    private static long number(Path where, String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(where + ": not a number: \"" + text + "\"");
        }
    }
}
