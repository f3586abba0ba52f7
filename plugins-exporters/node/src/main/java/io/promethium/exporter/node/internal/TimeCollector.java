package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.Locale;

/** The system clock, time zone offset and clock sources. */
final class TimeCollector implements NodeCollector {

    private final Path clocksources;

    TimeCollector(NodeSettings settings) {
        this.clocksources = settings.sysfs().resolve("devices/system/clocksource");
    }

    @Override
    public String name() {
        return "time";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        Instant now = Instant.now();
        out.single("node_time_seconds", MetricType.GAUGE, "System time in seconds since epoch (1970).", Labels.EMPTY,
                now.getEpochSecond() + now.getNano() / 1e9);
        ZoneId zone = ZoneId.systemDefault();
        boolean daylight = zone.getRules().isDaylightSavings(now);
        String name = zone.getId().equals("UTC") || zone.getId().equals("Z") || zone.getId().equals("Etc/UTC")
                ? "UTC" : java.util.TimeZone.getTimeZone(zone).getDisplayName(daylight, java.util.TimeZone.SHORT, Locale.ROOT);
        out.single("node_time_zone_offset_seconds", MetricType.GAUGE, "System time zone offset in seconds.",
                Labels.of("time_zone", name), zone.getRules().getOffset(now).getTotalSeconds());
        for (Path source : Sysfs.numbered(clocksources, "clocksource")) {
            String device = Sysfs.suffix(source, "clocksource");
            String available = Sysfs.readOrNull(source.resolve("available_clocksource"));
            if (available != null) {
                out.family("node_time_clocksource_available_info", MetricType.GAUGE,
                        "Available clocksources read from '/sys/devices/system/clocksource'.");
                for (String s : available.split("\\s+")) {
                    if (!s.isEmpty()) {
                        out.sample("node_time_clocksource_available_info", Labels.of("clocksource", s, "device", device), 1);
                    }
                }
            }
            String current = Sysfs.readOrNull(source.resolve("current_clocksource"));
            if (current != null && !current.isEmpty()) {
                out.single("node_time_clocksource_current_info", MetricType.GAUGE,
                        "Current clocksource read from '/sys/devices/system/clocksource'.",
                        Labels.of("clocksource", current, "device", device), 1);
            }
        }
    }
}
