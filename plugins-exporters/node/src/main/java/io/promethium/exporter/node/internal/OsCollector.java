package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The operating system release from {@code /etc/os-release} (or {@code /usr/lib/os-release}). */
final class OsCollector implements NodeCollector {

    private static final Pattern VERSION = Pattern.compile("^[0-9]+\\.?[0-9]*");

    private final Path etc;
    private final Path usrLib;

    OsCollector(NodeSettings settings) {
        this.etc = settings.root("/etc/os-release");
        this.usrLib = settings.root("/usr/lib/os-release");
    }

    @Override
    public String name() {
        return "os";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        Path file = Files.exists(etc) ? etc : usrLib;
        if (!Files.exists(file)) {
            throw new NoDataException(etc + " and " + usrLib + ": no such file");
        }
        Map<String, String> release = parse(Files.readString(file));
        out.single("node_os_info", MetricType.GAUGE, "A metric with a constant '1' value labeled by build_id, id, id_like, "
                + "image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
                Labels.of("build_id", get(release, "BUILD_ID"), "id", get(release, "ID"), "id_like", get(release, "ID_LIKE"),
                        "image_id", get(release, "IMAGE_ID"), "image_version", get(release, "IMAGE_VERSION"),
                        "name", get(release, "NAME"), "pretty_name", get(release, "PRETTY_NAME"),
                        "variant", get(release, "VARIANT"), "variant_id", get(release, "VARIANT_ID"),
                        "version", get(release, "VERSION"), "version_codename", get(release, "VERSION_CODENAME"),
                        "version_id", get(release, "VERSION_ID")), 1);
        Matcher m = VERSION.matcher(get(release, "VERSION_ID"));
        if (m.find()) {
            out.single("node_os_version", MetricType.GAUGE, "Metric containing the major.minor part of the OS version.",
                    Labels.of("id", get(release, "ID"), "id_like", get(release, "ID_LIKE"), "name", get(release, "NAME")),
                    Double.parseDouble(m.group()));
        }
    }

    private static String get(Map<String, String> release, String key) {
        return release.getOrDefault(key, "");
    }

    /** os-release's shell-like {@code KEY=value} lines, values optionally quoted with backslash escapes. */
    static Map<String, String> parse(String text) {
        Map<String, String> out = new HashMap<>();
        for (String line : text.split("\n")) {
            line = line.trim();
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1).trim();
            if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            out.put(line.substring(0, eq).trim(), value);
        }
        return out;
    }
}
