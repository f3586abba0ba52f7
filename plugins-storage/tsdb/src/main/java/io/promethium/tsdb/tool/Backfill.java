package io.promethium.tsdb.tool;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.BlockWriter;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code create-blocks-from openmetrics FILE DIR}: reads the whole file, groups samples into
 * block-duration windows (2 h) and writes one block per window into DIR, as promtool does. Samples
 * of a series may come in any order; duplicates keep the last value.
 */
final class Backfill {
    private final PrintStream out;

    Backfill(PrintStream out) {
        this.out = out;
    }

    /** One series' samples in a window, in primitive arrays. */
    private static final class Buf {
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

        void sortDedupe() {
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

    void run(Path file, Path dir) throws IOException {
        long window = TsdbOptions.DEFAULT_BLOCK_DURATION.toMillis();
        Map<Long, Map<Labels, Buf>> windows = new TreeMap<>();
        long samples;
        samples = new OpenMetricsFileReader(file).read((labels, t, v) ->
                windows.computeIfAbsent(Math.floorDiv(t, window), k -> new HashMap<>()).computeIfAbsent(labels, k -> new Buf()).add(t, v));
        Files.createDirectories(dir);
        List<BlockMeta> written = new ArrayList<>();
        for (Map.Entry<Long, Map<Labels, Buf>> e : windows.entrySet()) {
            long mint = e.getKey() * window;
            List<Map.Entry<Labels, Buf>> series = new ArrayList<>(e.getValue().entrySet());
            series.sort(Map.Entry.comparingByKey());
            try (BlockWriter w = new BlockWriter(dir, mint, mint + window, FileOpener.DEFAULT)) {
                for (Map.Entry<Labels, Buf> s : series) {
                    Buf b = s.getValue();
                    b.sortDedupe();
                    w.addSeries(s.getKey(), b.ts, b.vs, b.n);
                }
                written.add(w.finish(1, List.of()));
            }
        }
        out.printf("read %d samples from %s; wrote %d blocks to %s%n", samples, file, written.size(), dir);
        for (BlockMeta m : written) {
            out.printf("  %s  %d..%d  series=%d samples=%d%n", m.ulid(), m.minTime(), m.maxTime(), m.numSeries(), m.numSamples());
        }
    }
}
