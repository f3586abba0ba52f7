package io.promethium.tsdb.tool;

import io.promethium.api.model.Labels;
import io.promethium.api.tool.CommandLine;
import io.promethium.goformat.GoDurations;
import io.promethium.goformat.GoStrings;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.BlockWriter;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code create-blocks-from [-r] [-q] [--max-block-duration=D] openmetrics [--label=NAME=VALUE]... FILE [DIR]}:
 * promtool 3's backfill. Groups samples into block-duration windows (2 h; a larger
 * {@code --max-block-duration} picks the largest of Prometheus's block ranges 2 h × 3^k not above
 * it) and writes one block per window into DIR ({@code data/} by default), spanning the window's
 * samples as promtool's blocks do, each sample labelled with the {@code --label}s too; prints each
 * block written as {@code tsdb list} does (times and sizes as {@code -r} asks), nothing with
 * {@code -q}. Samples of a series may come in any order;
 * duplicates keep the last value. Memory stays bounded by one window, not the file: the file is
 * parsed once in pieces, each sample is spilled (series number, time, value) to a temporary file
 * of its window under DIR, and each window is then loaded, sorted and written on its own. Only the
 * series' labels are kept for the whole run.
 */
final class Backfill {
    private static final int SPILL_RECORD = 20;

    /** The command's arguments after {@code create-blocks-from}: promtool's flags, {@code openmetrics}, FILE, DIR. */
    record Args(Path file, Path dir, boolean humanReadable, boolean quiet, long windowMillis, Labels extraLabels) {
        private static final CommandLine.Reader READER = CommandLine.reader().bool("human-readable", "quiet")
                .shortName('r', "human-readable").shortName('q', "quiet").valued("label", "max-block-duration");

        static Args parse(List<String> args) throws CommandLine.UsageException {
            CommandLine line = READER.read(args);
            List<String> positional = line.arguments(2, 3, "openmetrics", "input file", "output directory");
            if (!positional.get(0).equals("openmetrics")) {
                throw new CommandLine.UsageException("expected command openmetrics, got " + GoStrings.quote(positional.get(0)));
            }
            Labels.Builder extra = Labels.builder();
            for (String label : line.values("label")) {
                int eq = label.indexOf('=');
                if (eq < 0) {
                    // kingpin's StringMap
                    throw new CommandLine.UsageException("expected KEY=VALUE got '" + label + "'");
                }
                extra.set(label.substring(0, eq), label.substring(eq + 1));
            }
            long window = TsdbOptions.DEFAULT_BLOCK_DURATION.toMillis();
            String max = line.value("max-block-duration", null);
            if (max != null) {
                try {
                    window = compatibleBlockDuration(GoDurations.parse(max).toMillis());
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.UsageException(e.getMessage());
                }
            }
            return new Args(Path.of(positional.get(1)), Path.of(positional.size() > 2 ? positional.get(2) : "data/"),
                    line.flag("human-readable"), line.flag("quiet"), window, extra.build());
        }

        /** promtool's getCompatibleBlockDuration: 2 h, or the largest of 2 h × 3^k (k &lt; 10) not above {@code max}. */
        static long compatibleBlockDuration(long max) {
            long block = TsdbOptions.DEFAULT_BLOCK_DURATION.toMillis();
            if (max <= block) {
                return block;
            }
            long chosen = block;
            long range = block;
            for (int k = 1; k < 10; k++) {
                range *= 3;
                if (range > max) {
                    break;
                }
                chosen = range;
            }
            return chosen;
        }
    }

    private final PrintStream out;

    Backfill(PrintStream out) {
        this.out = out;
    }

    /** One series' samples in a window, in primitive arrays. */
    static final class Buf {
        long[] ts = new long[16];
        double[] vs = new double[16];
        int n;

        void add(long t, double v) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            ts[n] = t;
            vs[n] = v;
            n++;
        }

        /** Sorts by time (insertion sort when nearly sorted, the usual case); the later of equal timestamps wins. */
        void sortDedupe() {
            boolean sorted = true;
            for (int i = 1; i < n && sorted; i++) {
                sorted = ts[i - 1] < ts[i];
            }
            if (sorted) {
                return;
            }
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            // Stable by time, so the later of two equal timestamps wins below.
            Arrays.sort(idx, (a, b) -> Long.compare(ts[a], ts[b]));
            long[] t2 = new long[n];
            double[] v2 = new double[n];
            int m = 0;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                if (m > 0 && t2[m - 1] == ts[i]) {
                    v2[m - 1] = vs[i];
                } else {
                    t2[m] = ts[i];
                    v2[m] = vs[i];
                    m++;
                }
            }
            ts = t2;
            vs = v2;
            n = m;
        }
    }

    /** At most this many spill files are open at once (a file may span many windows). */
    static final int MAX_OPEN_SPILLS = 32;

    /** Spilled samples of one window; its stream is closed when others were used more recently. */
    private static final class Spill implements AutoCloseable {
        final Path path;
        DataOutputStream out;
        long count;

        Spill(Path path) {
            this.path = path;
        }

        void open() throws IOException {
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND), 1 << 16));
        }

        void add(int series, long t, double v) throws IOException {
            out.writeInt(series);
            out.writeLong(t);
            out.writeLong(Double.doubleToRawLongBits(v));
            count++;
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }

    /** The spill files by window, with the most recently used ones open. */
    private static final class Spills implements AutoCloseable {
        final Path dir;
        final TreeMap<Long, Spill> byWindow = new TreeMap<>();
        final java.util.LinkedHashMap<Long, Spill> open = new java.util.LinkedHashMap<>(16, 0.75f, true);

        Spills(Path dir) {
            this.dir = dir;
        }

        Spill get(long window) throws IOException {
            Spill s = open.get(window);
            if (s != null) {
                return s;
            }
            s = byWindow.computeIfAbsent(window, w -> new Spill(dir.resolve(w + ".spill")));
            if (open.size() == MAX_OPEN_SPILLS) {
                var eldest = open.entrySet().iterator().next();
                eldest.getValue().close();
                open.remove(eldest.getKey());
            }
            s.open();
            open.put(window, s);
            return s;
        }

        @Override
        public void close() throws IOException {
            for (Spill s : open.values()) {
                s.close();
            }
            open.clear();
        }
    }

    void run(Args args) throws IOException {
        Path file = args.file();
        Path dir = args.dir();
        long window = args.windowMillis();
        Labels extra = args.extraLabels();
        boolean created = !Files.exists(dir);
        Files.createDirectories(dir);
        // Named *.tmp: opening DIR as a database deletes it if this run dies before cleaning up.
        Path spillDir = Files.createDirectory(dir.resolve("backfill-" + System.nanoTime() + ".tmp"));
        try {
            Map<Labels, Integer> ids = new HashMap<>();
            List<Labels> labelsById = new ArrayList<>();
            Spills spills = new Spills(spillDir);
            try (spills) {
                new OpenMetricsFileReader(file).read((read, t, v) -> {
                    Labels labels = extra.isEmpty() ? read : withExtra(read, extra);
                    Integer id = ids.get(labels);
                    if (id == null) {
                        id = labelsById.size();
                        ids.put(labels, id);
                        labelsById.add(labels);
                    }
                    spills.get(Math.floorDiv(t, window)).add(id, t, v);
                });
            }
            ids.clear();
            boolean header = true;
            for (Map.Entry<Long, Spill> e : spills.byWindow.entrySet()) {
                BlockMeta written = writeWindow(e.getValue(), labelsById, dir);
                Files.delete(e.getValue().path);
                if (!args.quiet()) {
                    // As promtool: a table per block, the header with the first.
                    BlockList.printBlock(out, dir.resolve(written.ulid()), header, args.humanReadable());
                    header = false;
                }
            }
        } catch (IOException | RuntimeException e) {
            Fsync.deleteRecursively(spillDir);
            if (created) {
                try (var left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
            throw e;
        }
        Fsync.deleteRecursively(spillDir);
    }

    /** The sample's labels with the {@code --label}s set over them (promtool's labels.Builder). */
    private static Labels withExtra(Labels read, Labels extra) {
        Labels.Builder b = read.toBuilder();
        for (int i = 0; i < extra.size(); i++) {
            b.set(extra.name(i), extra.value(i));
        }
        return b.build();
    }

    /**
     * Writes one window's samples as a block spanning them, from the first sample's time to the
     * last's plus one (half-open, as promtool's block writer records a backfilled block), not the
     * whole window: Prometheus's compaction planner merges a window early only when its blocks span
     * it, so the same file compacts into the same blocks in both.
     */
    private static BlockMeta writeWindow(Spill spill, List<Labels> labelsById, Path dir) throws IOException {
        Buf[] bufs = new Buf[labelsById.size()];
        int present = 0;
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spill.path), 1 << 16))) {
            for (long i = 0; i < spill.count; i++) {
                int id = in.readInt();
                long t = in.readLong();
                double v = Double.longBitsToDouble(in.readLong());
                mint = Math.min(mint, t);
                maxt = Math.max(maxt, t);
                Buf b = bufs[id];
                if (b == null) {
                    b = bufs[id] = new Buf();
                    present++;
                }
                b.add(t, v);
            }
        }
        Integer[] order = new Integer[present];
        int k = 0;
        for (int id = 0; id < bufs.length; id++) {
            if (bufs[id] != null) {
                order[k++] = id;
            }
        }
        Arrays.sort(order, (a, b) -> labelsById.get(a).compareTo(labelsById.get(b)));
        try (BlockWriter w = new BlockWriter(dir, mint, maxt + 1, FileOpener.DEFAULT)) {
            for (int id : order) {
                Buf b = bufs[id];
                bufs[id] = null; // written: let it go
                b.sortDedupe();
                w.addSeries(labelsById.get(id), b.ts, b.vs, b.n);
            }
            return w.finish(1, List.of());
        }
    }
}
