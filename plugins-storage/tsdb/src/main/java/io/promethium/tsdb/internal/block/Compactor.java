package io.promethium.tsdb.internal.block;

import static java.util.Objects.requireNonNull;

import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.head.MemSeries;
import io.promethium.tsdb.internal.query.MergeQuerier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes blocks: from a range of the head, or by merging blocks (re-encoding their samples,
 * dropping tombstoned ones and duplicates). Samples are gathered per series into reused
 * primitive arrays.
 */
public final class Compactor {
    private final FileOpener opener;
    private long[] ts = new long[4096];
    private double[] vs = new double[4096];
    private int n;

    public Compactor(FileOpener opener) {
        this.opener = requireNonNull(opener, "opener is null");
    }

    /** Persists head samples in {@code [mint, maxt)} as a level-1 block under {@code parent}; null if none. */
    public synchronized BlockMeta writeHead(Head head, Path parent, long mint, long maxt) throws IOException {
        List<MemSeries> series = new ArrayList<>(head.numSeries());
        head.forEachSeries(series::add);
        series.sort(Comparator.comparing(MemSeries::labels));
        try (BlockWriter writer = new BlockWriter(parent, mint, maxt, opener)) {
            SampleIterator reuse = null;
            for (MemSeries s : series) {
                if (!s.overlaps(mint, maxt - 1)) {
                    continue;
                }
                // Everything below maxt, whatever the head's valid time: out-of-order samples included.
                reuse = s.iterator(mint, maxt - 1, Long.MIN_VALUE, reuse);
                gather(reuse);
                writer.addSeries(s.labels(), ts, vs, n);
            }
            if (writer.numSamples() == 0) {
                return null;
            }
            return writer.finish(1, List.of());
        }
    }

    /** Merges blocks into one under {@code parent}; the sources stay until the caller removes them. */
    public synchronized BlockMeta merge(List<Block> blocks, Path parent) throws IOException {
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        int level = 0;
        Set<String> sources = new LinkedHashSet<>();
        List<SeriesSet> sets = new ArrayList<>();
        for (Block b : blocks) {
            mint = Math.min(mint, b.meta().minTime());
            maxt = Math.max(maxt, b.meta().maxTime());
            level = Math.max(level, b.meta().level());
            sources.addAll(b.meta().sources());
            BlockQuerier q = new BlockQuerier(b, Long.MIN_VALUE, Long.MAX_VALUE);
            sets.add(SeriesSet.ofList(q.series(b.index().labelIndex().all())));
        }
        SeriesSet merged = new MergeQuerier.MergedSeriesSet(sets, List.of());
        try (BlockWriter writer = new BlockWriter(parent, mint, maxt, opener)) {
            while (merged.next()) {
                Series s = merged.at();
                SampleIterator it = s.iterator(null);
                gather(it);
                if (it.error() != null) {
                    throw new IOException("reading " + s.labels() + " for compaction: " + it.error().getMessage(), it.error());
                }
                writer.addSeries(s.labels(), ts, vs, n);
            }
            if (merged.error() != null) {
                throw new IOException("compaction input failed: " + merged.error().getMessage(), merged.error());
            }
            return writer.finish(level + 1, new ArrayList<>(sources));
        }
    }

    private void gather(SampleIterator it) {
        n = 0;
        while (it.next()) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                vs = Arrays.copyOf(vs, n * 2);
            }
            ts[n] = it.timestamp();
            vs[n] = it.value();
            n++;
        }
    }
}
