package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** Connection tracking: table size and limit, and the per-CPU statistics summed. */
final class ConntrackCollector implements NodeCollector {

    private static final String[] STATS = {"found", "invalid", "ignore", "insert", "insert_failed", "drop",
            "early_drop", "search_restart"};
    private static final String[] HELPS = {
        "Number of searched entries which were successful.",
        "Number of packets seen which can not be tracked.",
        "Number of packets seen which are already connected to a conntrack entry.",
        "Number of entries inserted into the list.",
        "Number of entries for which list insertion was attempted but failed.",
        "Number of packets dropped due to conntrack failure.",
        "Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.",
        "Number of conntrack table lookups which had to be restarted due to hashtable resizes.",
    };
    private static final String[] NAMES = new String[STATS.length];

    static {
        for (int i = 0; i < STATS.length; i++) {
            NAMES[i] = "node_nf_conntrack_stat_" + STATS[i];
        }
    }

    private final Path count;
    private final Path max;
    private final Path stat;
    private final ProcReader reader = new ProcReader();
    private final int[] column = new int[STATS.length];
    private final long[] sums = new long[STATS.length];

    ConntrackCollector(NodeSettings settings) {
        count = settings.procfs().resolve("sys/net/netfilter/nf_conntrack_count");
        max = settings.procfs().resolve("sys/net/netfilter/nf_conntrack_max");
        stat = settings.procfs().resolve("net/stat/nf_conntrack");
    }

    @Override
    public String name() {
        return "conntrack";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        out.single("node_nf_conntrack_entries", MetricType.GAUGE,
                "Number of currently allocated flow entries for connection tracking.", Labels.EMPTY, reader.longValue(count));
        out.single("node_nf_conntrack_entries_limit", MetricType.GAUGE,
                "Maximum size of connection tracking table.", Labels.EMPTY, reader.longValue(max));
        reader.read(stat);
        if (!reader.nextLine()) {
            throw new IOException(stat + ": empty");
        }
        java.util.Arrays.fill(column, -1);
        java.util.Arrays.fill(sums, 0);
        for (int index = 0; reader.nextToken(); index++) {
            for (int s = 0; s < STATS.length; s++) {
                if (reader.tokenIs(STATS[s])) {
                    column[s] = index;
                }
            }
        }
        while (reader.nextLine()) {
            if (reader.lineEmpty()) {
                continue;
            }
            for (int index = 0; reader.nextToken(); index++) {
                for (int s = 0; s < STATS.length; s++) {
                    if (column[s] == index) {
                        sums[s] += reader.tokenHex();
                    }
                }
            }
        }
        for (int s = 0; s < STATS.length; s++) {
            if (column[s] >= 0) {
                out.single(NAMES[s], MetricType.GAUGE, HELPS[s], Labels.EMPTY, sums[s]);
            }
        }
    }
}
