package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Every field of {@code /proc/meminfo} as {@code node_memory_<field>_bytes} (kB fields times
 * 1024) or {@code node_memory_<field>} (counts such as {@code HugePages_Total});
 * {@code Active(anon)} becomes {@code Active_anon}.
 */
final class MeminfoCollector implements NodeCollector {

    private final Path file;
    private final ProcReader reader = new ProcReader();
    /** Field as read (with the colon) to its metric name and help, [2] holding the unit-less form. */
    private final Map<String, String[]> names = new HashMap<>();

    MeminfoCollector(NodeSettings settings) {
        this.file = settings.procfs().resolve("meminfo");
    }

    @Override
    public String name() {
        return "meminfo";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        while (reader.nextLine()) {
            if (!reader.nextToken()) {
                continue;
            }
            String key = reader.tokenWithoutLast(':');
            if (!reader.nextToken()) {
                throw new IOException(file + ": malformed line \"" + reader.line() + "\"");
            }
            double value = reader.tokenLong();
            boolean kilobytes = reader.nextToken() && reader.tokenIs("kB");
            String[] name = names.computeIfAbsent(key, MeminfoCollector::names);
            String metric = kilobytes ? name[0] : name[2];
            out.single(metric, MetricType.GAUGE, kilobytes ? name[1] : name[3], Labels.EMPTY, kilobytes ? value * 1024 : value);
        }
    }

    private static String[] names(String key) {
        String field = key.replaceAll("\\((.*)\\)", "_$1");
        return new String[] {
            "node_memory_" + field + "_bytes", "Memory information field " + field + "_bytes.",
            "node_memory_" + field, "Memory information field " + field + ".",
        };
    }
}
