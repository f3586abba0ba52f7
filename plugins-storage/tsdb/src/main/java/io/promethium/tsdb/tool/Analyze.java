package io.promethium.tsdb.tool;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Matcher;
import io.promethium.api.tool.CommandLine;
import io.promethium.goformat.GoStrings;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockAnalysis;
import io.promethium.tsdb.internal.block.BlockMeta;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code analyze [--limit=N] [--extended] [--match=SELECTOR] [--resolution=R] [DB] [BLOCK-ID]}:
 * promtool 3's {@code tsdb analyze} of one block, in its words and order: churn by label pair and
 * name (the share of the block's span a series' chunks do not cover), the most common label
 * pairs, cumulative value length and cardinality per label name, series per metric name, and with
 * {@code --extended} the chunks' samples, bytes and histogram buckets. {@code --match} restricts
 * it to the series one selector selects. By default the newest raw block (promtool's "last
 * block"); {@code --resolution=5m} (any resolution the folder holds) the newest downsampled
 * companion of that resolution, which adds a {@code Resolution:} line; a block id that block.
 * Chunk sizes are Promethium's encodings, not Prometheus's (docs/operations.md).
 */
final class Analyze {
    /** The command's arguments: promtool's, plus {@code --resolution}. */
    record Args(Path db, String blockId, Long resolution, int limit, boolean extended, String match) {
        private static final CommandLine.Reader READER = CommandLine.reader().valued("resolution", "limit", "match").bool("extended");

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
            String limit = line.value("limit", "20");
            int parsedLimit;
            try {
                parsedLimit = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                // kingpin's Int flag, as Go's strconv.ParseInt words it
                throw new CommandLine.UsageException("strconv.ParseInt: parsing " + GoStrings.quote(limit) + ": invalid syntax");
            }
            return new Args(Path.of(positional.isEmpty() ? "data/" : positional.get(0)), positional.size() > 1 ? positional.get(1) : null,
                    resolution, parsedLimit, line.flag("extended"), line.value("match", ""));
        }
    }

    private final PrintStream out;

    Analyze(PrintStream out) {
        this.out = out;
    }

    void run(Args args) throws IOException {
        List<Matcher> selectors = args.match().isEmpty() ? List.of() : SeriesSelector.parse(args.match());
        Path dir = args.db();
        List<Block> blocks = BlockList.open(dir, out);
        try {
            Block chosen = choose(blocks, args);
            chosen.acquire();
            try {
                analyze(chosen, args, selectors);
            } finally {
                chosen.release();
            }
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

    private void analyze(Block b, Args args, List<Matcher> selectors) {
        BlockMeta meta = b.meta();
        long span = meta.maxTime() - meta.minTime();
        out.println("Block ID: " + meta.ulid());
        if (meta.resolution() != 0) {
            out.println("Resolution: " + BlockList.resolution(meta));
        }
        out.println("Duration: " + BlockList.goDuration(span));
        out.println("Total Series: " + meta.numSeries());
        if (!args.match().isEmpty()) {
            out.println("Matcher: " + args.match());
        }
        Map<String, Long> uncoveredByName = new HashMap<>();
        Map<String, Long> uncoveredByPair = new HashMap<>();
        Map<String, Long> seriesByPair = new HashMap<>();
        Map<String, Set<String>> valuesByName = new TreeMap<>();
        Map<String, Long> seriesByMetric = new HashMap<>();
        long[] matched = {0, 0};
        BlockAnalysis.forEachSeries(b, selectors, (labels, first, last) -> {
            matched[0]++;
            long uncovered = span - (last - first);
            for (int i = 0; i < labels.size(); i++) {
                String pair = labels.name(i) + "=" + labels.value(i);
                uncoveredByName.merge(labels.name(i), uncovered, Long::sum);
                uncoveredByPair.merge(pair, uncovered, Long::sum);
                seriesByPair.merge(pair, 1L, Long::sum);
                valuesByName.computeIfAbsent(labels.name(i), k -> new HashSet<>()).add(labels.value(i));
                matched[1]++;
            }
            seriesByMetric.merge(labels.metricName(), 1L, Long::sum);
        });
        out.println("Label names: " + valuesByName.size());
        if (!args.match().isEmpty()) {
            out.println("Matched series: " + matched[0]);
        }
        out.println("Postings (unique label pairs): " + uncoveredByPair.size());
        out.println("Postings entries (total label pairs): " + matched[1]);
        top("Label pairs most involved in churning", share(uncoveredByPair, span), args.limit());
        top("Label names most involved in churning", share(uncoveredByName, span), args.limit());
        top("Most common label pairs", seriesByPair, args.limit());
        Map<String, Long> valueLength = new HashMap<>();
        Map<String, Long> cardinality = new HashMap<>();
        valuesByName.forEach((name, values) -> {
            long length = 0;
            for (String v : values) {
                length += v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length; // Go's len: bytes
            }
            valueLength.put(name, length);
            cardinality.put(name, (long) values.size());
        });
        top("Label names with highest cumulative label value length", valueLength, args.limit());
        top("Highest cardinality labels", cardinality, args.limit());
        seriesByMetric.remove("");
        top("Highest cardinality metric names", seriesByMetric, args.limit());
        if (args.extended()) {
            compaction(b, selectors);
        }
    }

    /** promtool's {@code uint64(float64(m) / float64(span))}: the number of block spans the sum stands for, truncated. */
    private static Map<String, Long> share(Map<String, Long> uncovered, long span) {
        Map<String, Long> shares = new HashMap<>();
        uncovered.forEach((k, m) -> shares.put(k, (long) ((double) m / (double) span)));
        return shares;
    }

    /** Largest first; ties by key (promtool's sort leaves their order unspecified). */
    private void top(String title, Map<String, Long> counts, int limit) {
        out.println();
        out.println(title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(0, limit))
                .forEach(e -> out.println(e.getValue() + " " + e.getKey()));
    }

    /** promtool's {@code analyzeCompaction}. */
    private void compaction(Block b, List<Matcher> selectors) {
        IntList floatSamples = new IntList();
        IntList floatBytes = new IntList();
        IntList histogramSamples = new IntList();
        IntList histogramBytes = new IntList();
        IntList histogramBuckets = new IntList();
        int[] total = {0};
        BlockAnalysis.forEachChunk(b, selectors, (histogram, bytes, samples, buckets) -> {
            if (histogram) {
                histogramSamples.add(samples);
                histogramBytes.add(bytes);
                histogramBuckets.add(buckets);
            } else {
                floatSamples.add(samples);
                floatBytes.add(bytes);
            }
            total[0]++;
        });
        out.print("\nCompaction analysis:\n");
        out.println();
        histogram("samples per float chunk", floatSamples, total[0]);
        histogram("bytes per float chunk", floatBytes, total[0]);
        histogram("samples per histogram chunk", histogramSamples, total[0]);
        histogram("bytes per histogram chunk", histogramBytes, total[0]);
        histogram("buckets per histogram chunk", histogramBuckets, total[0]);
    }

    /** promtool's {@code displayHistogram}: buckets of 10, 100, ... wide, a {@code #} per percent of all chunks. */
    private void histogram(String what, IntList list, int total) {
        if (list.size == 0) {
            out.printf("%s: N/A%n%n", what);
            return;
        }
        int[] data = java.util.Arrays.copyOf(list.values, list.size);
        java.util.Arrays.sort(data);
        int min = data[0];
        int max = data[data.length - 1];
        int s = (max - min) / 10;
        int step = 10;
        while (step < s && step <= 10000) {
            step *= 10;
        }
        int start = min - min % step;
        int end = max - max % step + step;
        int[] buckets = new int[(end - start) / step + 1];
        long sum = 0;
        int maxCount = 0;
        for (int c : data) {
            sum += c;
            int i = (c - start) / step;
            buckets[i]++;
            maxCount = Math.max(maxCount, buckets[i]);
        }
        out.printf("%s (min/avg/max): %d/%d/%d%n", what, min, sum / data.length, max);
        int left = Integer.toString(end).length();
        int right = Integer.toString(end + step).length();
        int count = Integer.toString(maxCount).length();
        for (int bucket = 0; bucket < buckets.length; bucket++) {
            int percentage = 100 * buckets[bucket] / total;
            out.printf("[%" + left + "d, %" + right + "d]: %" + count + "d %s%n", bucket * step + start + 1, (bucket + 1) * step + start,
                    buckets[bucket], "#".repeat(percentage));
        }
        out.println();
    }

    /** A growable list of ints: one per chunk, without a box each. */
    private static final class IntList {
        int[] values = new int[64];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
