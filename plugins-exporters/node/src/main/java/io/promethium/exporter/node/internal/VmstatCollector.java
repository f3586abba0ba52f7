package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The fields of {@code /proc/vmstat} that {@code collector.vmstat.fields} selects, as {@code node_vmstat_<field>}. */
final class VmstatCollector implements NodeCollector {

    private static final String[] SKIP = new String[0];

    private final NodeSettings settings;
    private final Path file;
    private final ProcReader reader = new ProcReader();
    private final Map<String, String[]> names = new HashMap<>();

    VmstatCollector(NodeSettings settings) {
        this.settings = settings;
        this.file = settings.procfs().resolve("vmstat");
    }

    @Override
    public String name() {
        return "vmstat";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(file);
        while (reader.nextLine()) {
            if (!reader.nextToken()) {
                continue;
            }
            String field = reader.token();
            String[] name = names.computeIfAbsent(field, f -> settings.vmstatFields() == null
                    || settings.vmstatFields().matcher(f).find()
                    ? new String[] {"node_vmstat_" + f, "/proc/vmstat information field " + f + "."} : SKIP);
            if (name == SKIP) {
                continue;
            }
            if (!reader.nextToken()) {
                throw new IOException(file + ": no value for " + field);
            }
            out.single(name[0], MetricType.UNKNOWN, name[1], Labels.EMPTY, reader.tokenDouble());
        }
    }
}
