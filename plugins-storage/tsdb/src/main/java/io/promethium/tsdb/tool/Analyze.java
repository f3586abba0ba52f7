package io.promethium.tsdb.tool;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.block.Block;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code analyze DIR}: cardinality of the newest block, as promtool tsdb analyze prints it. */
final class Analyze {
    private final PrintStream out;

    Analyze(PrintStream out) {
        this.out = out;
    }

    void run(Path dir) throws IOException {
        List<Block> blocks = BlockList.open(dir, out);
        if (blocks.isEmpty()) {
            throw new IOException("no readable blocks in " + dir);
        }
        Block b = blocks.get(blocks.size() - 1);
        Map<String, Integer> seriesByMetric = new HashMap<>();
        Map<String, Set<String>> valuesByName = new HashMap<>();
        Map<String, Integer> seriesByName = new HashMap<>();
        Map<String, Integer> seriesByPair = new HashMap<>();
        long series = 0;
        b.acquire();
        try (Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
            while (set.next()) {
                Labels l = set.at().labels();
                series++;
                seriesByMetric.merge(l.metricName(), 1, Integer::sum);
                for (int i = 0; i < l.size(); i++) {
                    valuesByName.computeIfAbsent(l.name(i), k -> new HashSet<>()).add(l.value(i));
                    seriesByName.merge(l.name(i), 1, Integer::sum);
                    seriesByPair.merge(l.name(i) + "=" + l.value(i), 1, Integer::sum);
                }
            }
        }
        out.printf("Block ID: %s%nDuration: %s%nSeries: %d%nLabel names: %d%n", b.meta().ulid(),
                java.time.Duration.ofMillis(b.meta().maxTime() - b.meta().minTime()), series, valuesByName.size());
        Map<String, Integer> cardinality = new HashMap<>();
        valuesByName.forEach((k, v) -> cardinality.put(k, v.size()));
        top("Highest cardinality labels", cardinality);
        top("Label names most involved in series", seriesByName);
        top("Most common label pairs", seriesByPair);
        top("Highest cardinality metric names", seriesByMetric);
        for (Block blk : blocks) {
            blk.close();
        }
    }

    private void top(String title, Map<String, Integer> counts) {
        out.println(title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(20)
                .forEach(e -> out.printf("%8d %s%n", e.getValue(), e.getKey()));
    }
}
