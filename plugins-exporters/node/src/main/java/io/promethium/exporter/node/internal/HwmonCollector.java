package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hardware monitors from {@code /sys/class/hwmon}: temperatures, voltages, fans, currents,
 * power and energy, named and scaled as node_exporter names and scales them; the chip label is
 * derived from the device path, which stays stable across reboots unlike {@code hwmonN}.
 */
final class HwmonCollector implements NodeCollector {

    private static final Pattern SENSOR = Pattern.compile("^([^0-9]+)([0-9]*)(?:_(.+))?$");
    private static final Pattern NON_METRIC = Pattern.compile("[^a-z0-9:_]");
    private static final Set<String> TYPES = Set.of("vrm", "beep_enable", "update_interval", "in", "cpu", "fan",
            "pwm", "temp", "curr", "power", "energy", "humidity", "intrusion");

    private final Path hwmon;

    HwmonCollector(NodeSettings settings) {
        this.hwmon = settings.sysfs().resolve("class/hwmon");
    }

    @Override
    public String name() {
        return "hwmon";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        if (!Files.isDirectory(hwmon)) {
            throw new NoDataException(hwmon + ": no such folder");
        }
        for (Path dir : Sysfs.list(hwmon)) {
            String chip = chipName(dir);
            String rawName = Sysfs.readOrNull(dir.resolve("name"));
            String chipName = rawName == null ? "" : clean(rawName);
            if (!chipName.isEmpty()) {
                out.single("node_hwmon_chip_names", MetricType.GAUGE, "Annotation metric for human-readable chip names",
                        Labels.of("chip", chip, "chip_name", chipName), 1);
            }
            Map<String, Map<String, String>> sensors = new TreeMap<>();
            readSensors(dir, sensors);
            readSensors(dir.resolve("device"), sensors);
            for (Map.Entry<String, Map<String, String>> sensor : sensors.entrySet()) {
                emit(out, chip, sensor.getKey(), sensor.getValue());
            }
        }
    }

    private static void readSensors(Path dir, Map<String, Map<String, String>> sensors) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (Path file : Sysfs.list(dir)) {
            Matcher m = SENSOR.matcher(file.getFileName().toString());
            if (!m.matches() || !TYPES.contains(m.group(1)) || Files.isDirectory(file)) {
                continue;
            }
            // node_exporter numbers a sensor without a number 0 (update_interval0).
            String sensor = m.group(1) + (m.group(2).isEmpty() ? "0" : m.group(2));
            String property = m.group(3) == null ? "" : m.group(3);
            String value = Sysfs.readOrNull(file);
            if (value != null) {
                sensors.computeIfAbsent(sensor, s -> new TreeMap<>()).putIfAbsent(property, value);
            }
        }
    }

    private static void emit(FamilyBuffer out, String chip, String sensor, Map<String, String> data) {
        Matcher m = SENSOR.matcher(sensor);
        String type = m.matches() ? m.group(1) : sensor;
        Labels labels = Labels.of("chip", chip, "sensor", sensor);
        String label = data.get("label");
        if (label != null) {
            out.single("node_hwmon_sensor_label", MetricType.GAUGE, "Label for given chip and sensor",
                    Labels.of("chip", chip, "label", label, "sensor", sensor), 1);
        }
        switch (type) {
            case "beep_enable" -> {
                out.single("node_hwmon_beep_enabled", MetricType.GAUGE, "Hardware beep enabled", labels,
                        "1".equals(data.get("")) ? 1 : 0);
                return;
            }
            case "vrm" -> {
                Double v = parse(data.get(""));
                if (v != null) {
                    out.single("node_hwmon_voltage_regulator_version", MetricType.GAUGE, "Hardware voltage regulator", labels, v);
                }
                return;
            }
            case "update_interval" -> {
                Double v = parse(data.get(""));
                if (v != null) {
                    out.single("node_hwmon_update_interval_seconds", MetricType.GAUGE, "Hardware monitor update interval",
                            labels, v * 0.001);
                }
                return;
            }
            default -> {
            }
        }
        String prefix = "node_hwmon_" + type;
        for (Map.Entry<String, String> e : data.entrySet()) {
            String element = e.getKey();
            if (element.equals("label")) {
                continue;
            }
            Double parsed = parse(e.getValue());
            if (parsed == null) {
                continue;
            }
            double value = parsed;
            String name = prefix;
            if (element.equals("input")) {
                if (data.containsKey("")) {
                    name = name + "_input";
                }
            } else if (!element.isEmpty()) {
                name = name + "_" + clean(element);
            }
            if (element.equals("fault") || element.equals("alarm")) {
                out.single(name, MetricType.GAUGE, "Hardware sensor " + element + " status (" + type + ")", labels, value);
            } else if (element.equals("beep")) {
                out.single(name + "_enabled", MetricType.GAUGE, "Hardware monitor sensor has beeping enabled", labels, value);
            } else if (type.equals("in") || type.equals("cpu")) {
                out.single(name + "_volts", MetricType.GAUGE, "Hardware monitor for voltage (" + element + ")", labels, value * 0.001);
            } else if (type.equals("temp") && !element.equals("type")) {
                String shown = element.isEmpty() ? "input" : element;
                out.single(name + "_celsius", MetricType.GAUGE, "Hardware monitor for temperature (" + shown + ")", labels, value * 0.001);
            } else if (type.equals("curr")) {
                out.single(name + "_amps", MetricType.GAUGE, "Hardware monitor for current (" + element + ")", labels, value * 0.001);
            } else if (type.equals("energy")) {
                out.single(name + "_joule_total", MetricType.COUNTER, "Hardware monitor for joules used so far (" + element + ")",
                        labels, value / 1e6);
            } else if (type.equals("power") && element.equals("accuracy")) {
                out.single(name, MetricType.GAUGE, "Hardware monitor power meter accuracy, as a ratio", labels, value / 1e6);
            } else if (type.equals("power") && (element.equals("average_interval") || element.equals("average_interval_min")
                    || element.equals("average_interval_max"))) {
                out.single(name + "_seconds", MetricType.GAUGE, "Hardware monitor power usage update interval (" + element + ")",
                        labels, value * 0.001);
            } else if (type.equals("power")) {
                out.single(name + "_watt", MetricType.GAUGE, "Hardware monitor for power usage in watts (" + element + ")",
                        labels, value / 1e6);
            } else if (type.equals("humidity")) {
                out.single(name, MetricType.GAUGE, "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get "
                        + "the humidity as a percentage) (" + element + ")", labels, value / 1e6);
            } else if (type.equals("fan") && (element.equals("input") || element.equals("min") || element.equals("max")
                    || element.equals("target"))) {
                out.single(name + "_rpm", MetricType.GAUGE, "Hardware monitor for fan revolutions per minute (" + element + ")",
                        labels, value);
            } else {
                out.single(name, MetricType.GAUGE, "Hardware monitor " + type + " element " + element, labels, value);
            }
        }
    }

    /** node_exporter's chip name: bus and device of the {@code device} link, else the {@code name} file, else {@code hwmonN}. */
    static String chipName(Path dir) throws IOException {
        Path device = dir.resolve("device");
        if (Files.exists(device)) {
            Path real = device.toRealPath();
            String devName = clean(real.getFileName().toString());
            Path parent = real.getParent();
            String devType = parent == null || parent.getFileName() == null ? "" : clean(parent.getFileName().toString());
            if (!devType.isEmpty() && !devName.isEmpty()) {
                return devType + "_" + devName;
            }
            if (!devName.isEmpty()) {
                return devName;
            }
        }
        String name = Sysfs.readOrNull(dir.resolve("name"));
        if (name != null && !clean(name).isEmpty()) {
            return clean(name);
        }
        return clean(dir.toRealPath().getFileName().toString());
    }

    private static String clean(String s) {
        return NON_METRIC.matcher(s.toLowerCase(java.util.Locale.ROOT)).replaceAll("_").replaceAll("^_+|_+$", "");
    }

    private static Double parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static List<String> types() {
        return List.copyOf(TYPES);
    }
}
