package io.promethium.tsdb.internal.block;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.index.BinaryDocValues;

/** Blocks of random-walk float series for tests of how chunk files are read, their chunk references and their contents. */
final class RandomBlocks {
    static final long STEP = 15_000L;

    private RandomBlocks() {
    }

    /**
     * Writes a block under {@code parent} of {@code series} series with {@code samples} samples
     * each, every {@link #STEP} from {@code mint}; random values compress badly, so the chunk files
     * are large for their sample count.
     */
    static Path write(Path parent, int series, int samples, long mint, long seed) throws IOException {
        Random random = new Random(seed);
        long[] ts = new long[samples];
        double[] vs = new double[samples];
        try (BlockWriter writer = new BlockWriter(parent, mint, mint + samples * STEP, FileOpener.DEFAULT)) {
            for (int s = 0; s < series; s++) {
                for (int i = 0; i < samples; i++) {
                    ts[i] = mint + i * STEP;
                    vs[i] = random.nextDouble() * 1e6;
                }
                writer.addSeries(Labels.of("__name__", "random", "series", String.format("%06d", s)), ts, vs, samples);
            }
            return parent.resolve(writer.finish(1, List.of()).ulid());
        }
    }

    /** Every chunk reference of the block, in the order its series and chunks are listed (the files' order). */
    static long[] refs(Block block) {
        BlockIndex index = block.index();
        BinaryDocValues values = index.seriesValues();
        SymbolCache symbols = SymbolCache.whole(index.symbolCount());
        List<Long> refs = new ArrayList<>();
        for (int doc = 0; doc < index.maxDoc(); doc++) {
            for (long ref : index.series(values, doc, symbols).refs()) {
                refs.add(ref);
            }
        }
        return refs.stream().mapToLong(Long::longValue).toArray();
    }

    /** Every series as "labels count t=v t=v ...". */
    static List<String> dump(Block block) throws IOException {
        List<String> out = new ArrayList<>();
        block.acquire();
        try (Querier q = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
            while (set.next()) {
                StringBuilder samples = new StringBuilder();
                SampleIterator it = set.at().iterator(null);
                int n = 0;
                while (it.next()) {
                    samples.append(it.timestamp()).append('=').append(it.value()).append(' ');
                    n++;
                }
                out.add(set.at().labels() + " " + n + " " + samples);
            }
        }
        return out;
    }
}
