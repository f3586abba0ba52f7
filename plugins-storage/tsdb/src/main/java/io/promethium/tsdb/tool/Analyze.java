package io.promethium.tsdb.tool;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.tool.CommandLine;
import io.promethium.goformat.GoStrings;
import io.promethium.tsdb.internal.block.Block;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code analyze [--resolution=R] [DB] [BLOCK-ID]}: cardinality of one block, as promtool tsdb
 * analyze prints it, plus the block's resolution. By default the newest raw block (promtool's
 * "last block"); {@code --resolution=5m} (any resolution the folder holds, {@code raw} the
 * default) the newest downsampled companion of that resolution; a block id that block.
 */
final class Analyze {
    /** The command's arguments: promtool's, plus {@code --resolution}. */
    record Args(Path db, String blockId, Long resolution) {
        private static final CommandLine.Reader READER = CommandLine.reader().valued("resolution");

        static Args parse(List<String> args) throws CommandLine.UsageException {
            CommandLine line = READER.read(args);
            List<String> positional = line.arguments(0, 2, "db path", "block id");
            String r = line.value("resolution", null);
            Long resolution = null;
            if (r != null) {
                try {
                    resolution = r.equals("raw") ? 0L : Durations.parse(r).toMillis();
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.UsageException("--resolution: not raw or a duration: " + GoStrings.quote(r));
                }
                if (resolution < 0) {
                    throw new CommandLine.UsageException("--resolution: negative: " + GoStrings.quote(r));
                }
            }
            return new Args(Path.of(positional.isEmpty() ? "data/" : positional.get(0)), positional.size() > 1 ? positional.get(1) : null,
                    resolution);
        }
    }

    private final PrintStream out;

    Analyze(PrintStream out) {
        this.out = out;
    }

    void run(Args args) throws IOException {
        Path dir = args.db();
        List<Block> blocks = BlockList.open(dir, out);
        try {
            analyze(choose(blocks, args));
        } finally {
            for (Block blk : blocks) {
                blk.close();
            }
        }
    }

    /** The block asked for; an error naming what the folder holds when there is none. */
    private static Block choose(List<Block> blocks, Args args) throws IOException {
        Path dir = args.db();
        if (blocks.isEmpty()) {
            throw new IOException("no readable blocks in " + dir);
        }
        if (args.blockId() != null) {
            Block b = blocks.stream().filter(x -> x.meta().ulid().equals(args.blockId())).findFirst()
                    .orElseThrow(() -> new IOException("block " + args.blockId() + " not found in " + dir));
            if (args.resolution() != null && args.resolution() != b.meta().resolution()) {
                throw new IOException("block " + args.blockId() + " is " + BlockList.resolution(b.meta()) + ", not --resolution="
                        + BlockList.resolution(args.resolution()));
            }
            return b;
        }
        long wanted = args.resolution() == null ? 0 : args.resolution();
        Block chosen = null;
        for (Block b : blocks) {
            if (b.meta().resolution() == wanted) {
                chosen = b; // sorted by min time: the last one is the newest
            }
        }
        if (chosen == null) {
            String held = blocks.stream().map(b -> b.meta().resolution()).distinct().sorted().map(BlockList::resolution)
                    .collect(java.util.stream.Collectors.joining(", "));
            throw new IOException("no " + BlockList.resolution(wanted) + " blocks in " + dir + " (it holds " + held
                    + "; choose one with --resolution)");
        }
        return chosen;
    }

    private void analyze(Block b) {
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
        out.printf("Block ID: %s%nResolution: %s%nDuration: %s%nSeries: %d%nLabel names: %d%n", b.meta().ulid(),
                BlockList.resolution(b.meta()), BlockList.goDuration(b.meta().maxTime() - b.meta().minTime()), series,
                valuesByName.size());
        Map<String, Integer> cardinality = new HashMap<>();
        valuesByName.forEach((k, v) -> cardinality.put(k, v.size()));
        top("Highest cardinality labels", cardinality);
        top("Label names most involved in series", seriesByName);
        top("Most common label pairs", seriesByPair);
        top("Highest cardinality metric names", seriesByMetric);
    }

    private void top(String title, Map<String, Integer> counts) {
        out.println(title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(20)
                .forEach(e -> out.printf("%8d %s%n", e.getValue(), e.getKey()));
    }
}
