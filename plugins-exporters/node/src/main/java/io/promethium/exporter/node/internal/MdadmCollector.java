package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Software RAID state from {@code /proc/mdstat}: disks by state, required disks, array state, blocks and blocks synced. */
final class MdadmCollector implements NodeCollector {

    private static final Pattern STATUS = Pattern.compile("(\\d+) blocks .*\\[(\\d+)/(\\d+)\\] \\[[U_]+\\]");
    private static final Pattern RECOVERY = Pattern.compile("\\((\\d+)/\\d+\\)");
    private static final String[] STATES = {"active", "inactive", "recovering", "resync", "check"};
    private static final String[] ACTIVITIES = {"active", "inactive", "recovering", "resyncing", "checking"};

    private final Path file;

    MdadmCollector(NodeSettings settings) {
        this.file = settings.procfs().resolve("mdstat");
    }

    @Override
    public String name() {
        return "mdadm";
    }

    /** One array as parsed. */
    record Array(String name, String state, long active, long failed, long spare, long total, long blocks, long synced) {
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        if (!Files.exists(file)) {
            throw new NoDataException(file + ": no such file");
        }
        for (Array a : parse(Files.readAllLines(file))) {
            Labels device = Labels.of("device", a.name());
            out.family("node_md_disks", MetricType.GAUGE, "Number of active/failed/spare disks of device.");
            out.sample("node_md_disks", Labels.of("device", a.name(), "state", "active"), a.active());
            out.sample("node_md_disks", Labels.of("device", a.name(), "state", "failed"), a.failed());
            out.sample("node_md_disks", Labels.of("device", a.name(), "state", "spare"), a.spare());
            out.single("node_md_disks_required", MetricType.GAUGE, "Total number of disks of device.", device, a.total());
            out.family("node_md_state", MetricType.GAUGE, "Indicates the state of md-device.");
            for (int i = 0; i < STATES.length; i++) {
                out.sample("node_md_state", Labels.of("device", a.name(), "state", STATES[i]),
                        ACTIVITIES[i].equals(a.state()) ? 1 : 0);
            }
            out.single("node_md_blocks", MetricType.GAUGE, "Total number of blocks on device.", device, a.blocks());
            out.single("node_md_blocks_synced", MetricType.GAUGE, "Number of blocks synced on device.", device, a.synced());
        }
    }

    static List<Array> parse(List<String> lines) throws IOException {
        List<Array> arrays = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.charAt(0) == ' ' || line.startsWith("Personalities") || line.startsWith("unused")) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 3) {
                throw new IOException("mdstat: not enough fields in line \"" + line + "\"");
            }
            if (i + 3 > lines.size()) {
                throw new IOException("mdstat: too few lines for md device " + fields[0]);
            }
            String state = fields[2];
            long failed = count(line, "(F)");
            long spare = count(line, "(S)");
            String status = lines.get(i + 1);
            long size;
            try {
                size = Long.parseLong(status.trim().split("\\s+")[0]);
            } catch (NumberFormatException e) {
                throw new IOException("mdstat: cannot parse size in \"" + status + "\"");
            }
            long active;
            long total;
            if (line.contains("raid0") || line.contains("linear")) {
                total = count(line, "[");
                active = total;
            } else if (line.contains("inactive")) {
                total = 0;
                active = 0;
            } else {
                Matcher m = STATUS.matcher(status);
                if (!m.find()) {
                    throw new IOException("mdstat: cannot parse status line \"" + status + "\"");
                }
                total = Long.parseLong(m.group(2));
                active = Long.parseLong(m.group(3));
            }
            long synced = size;
            int syncIndex = i + 2;
            if (syncIndex < lines.size() && lines.get(syncIndex).contains("bitmap")) {
                syncIndex++;
            }
            String sync = syncIndex < lines.size() ? lines.get(syncIndex) : "";
            boolean recovering = sync.contains("recovery");
            boolean resyncing = sync.contains("resync");
            boolean checking = sync.contains("check");
            if (recovering || resyncing || checking) {
                state = recovering ? "recovering" : checking ? "checking" : "resyncing";
                if (sync.contains("PENDING") || sync.contains("DELAYED")) {
                    synced = 0;
                } else {
                    Matcher m = RECOVERY.matcher(sync);
                    if (!m.find()) {
                        throw new IOException("mdstat: cannot parse recovery line \"" + sync + "\"");
                    }
                    synced = Long.parseLong(m.group(1));
                }
            }
            arrays.add(new Array(fields[0], state, active, failed, spare, total, size, synced));
        }
        return arrays;
    }

    private static long count(String s, String what) {
        long n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
