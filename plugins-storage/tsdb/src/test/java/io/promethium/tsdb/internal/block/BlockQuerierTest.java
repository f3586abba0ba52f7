package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockQuerierTest {
    private static final int SERIES = 500;

    @TempDir
    Path dir;

    @Test
    void aSelectOverManySeriesSharesEachLabelStringInsteadOfDecodingItPerSeries() throws IOException {
        Block block = writeBlock();
        try {
            List<Labels> all = select(block, Matcher.equal("__name__", "shared_metric"));
            assertThat(all).hasSize(SERIES);
            for (int i = 0; i < SERIES; i++) {
                Labels l = all.get(i);
                assertThat(l.get("job")).isEqualTo("node");
                // One String per symbol for the whole select: the same instance in every series.
                assertThat(l.get("job")).isSameAs(all.get(0).get("job"));
                assertThat(l.get("__name__")).isSameAs(all.get(0).get("__name__"));
            }
            assertThat(all.stream().map(l -> l.get("i")).distinct().count()).isEqualTo(SERIES);
        } finally {
            block.close();
        }
    }

    @Test
    void aSelectOfAFewSeriesReadsTheirLabelsWhole() throws IOException {
        Block block = writeBlock();
        try {
            List<Labels> one = select(block, Matcher.equal("i", "0007"));
            assertThat(one).containsExactly(Labels.of("__name__", "shared_metric", "i", "0007", "job", "node"));
        } finally {
            block.close();
        }
    }

    @Test
    void aSelectAskedAgainTakesTheKeptDocumentsAndStillLeavesOutSeriesDeletedSince() throws IOException {
        Block block = writeBlock();
        try {
            Matcher seven = Matcher.equal("i", "0007");
            assertThat(select(block, seven)).hasSize(1);
            assertThat(select(block, Matcher.equal("__name__", "shared_metric"))).hasSize(SERIES);
            int kept = block.index().selections().size();
            assertThat(kept).isPositive();
            assertThat(block.index().selections().get(List.of(seven))).isNotNull();

            assertThat(select(block, seven)).containsExactly(Labels.of("__name__", "shared_metric", "i", "0007", "job", "node"));
            block.delete(List.of(seven), 0, 60_000);
            assertThat(select(block, seven)).isEmpty();
            assertThat(select(block, Matcher.equal("__name__", "shared_metric"))).hasSize(SERIES - 1);
            assertThat(block.index().selections().size()).isEqualTo(kept);
        } finally {
            block.close();
        }
    }

    @Test
    void aListingBesideAHeadKeysEachSeriesTheHeadHoldsByTheHeadsLabelSetAndKeepsIt() throws IOException {
        Block block = writeBlock();
        Labels inHead = Labels.of("__name__", "shared_metric", "i", "0003", "job", "node");
        try {
            List<io.promethium.api.storage.Series> first = listed(block, l -> l.equals(inHead) ? inHead : null);
            // The head let go of the series: the block still answers the key it kept.
            List<io.promethium.api.storage.Series> second = listed(block, l -> null);

            for (List<io.promethium.api.storage.Series> listing : List.of(first, second)) {
                assertThat(listing).hasSize(SERIES);
                io.promethium.api.storage.Series three = listing.get(3);
                assertThat(three.labels()).isEqualTo(inHead).isNotSameAs(inHead);
                assertThat(((io.promethium.tsdb.internal.query.MergeKey) three).mergeKey()).isSameAs(inHead);
                io.promethium.api.storage.Series four = listing.get(4);
                assertThat(((io.promethium.tsdb.internal.query.MergeKey) four).mergeKey()).isSameAs(four.labels());
            }
            assertThat(block.index().keptSets().size()).isEqualTo(1);
        } finally {
            block.close();
        }
    }

    @Test
    void aListingAskedAgainComesFromTheBlocksListingsFilteredByItsRangeAndTombstones() throws IOException {
        Block block = writeBlock();
        try {
            assertThat(listed(block, l -> null)).hasSize(SERIES);
            assertThat(block.index().listings().size()).isEqualTo(SERIES);

            // The kept listing answers other ranges: outside the samples, nothing; at one sample, all.
            assertThat(listed(block, 60_000, Long.MAX_VALUE, l -> null)).isEmpty();
            assertThat(listed(block, 2_000, 2_000, l -> null)).hasSize(SERIES);
            // A series deleted since the listing was kept is left out.
            block.delete(List.of(Matcher.equal("i", "0007")), 0, 60_000);
            List<io.promethium.api.storage.Series> after = listed(block, l -> null);
            assertThat(after).hasSize(SERIES - 1);
            assertThat(after).noneMatch(s -> s.labels().get("i").equals("0007"));
            assertThat(after.get(7).labels()).isEqualTo(Labels.of("__name__", "shared_metric", "i", "0008", "job", "node"));
            assertThat(block.index().listings().size()).isEqualTo(SERIES);
        } finally {
            block.close();
        }
    }

    @Test
    void aListingTooLargeToKeepIsAnsweredWholeAndNotKept() throws IOException {
        int series = BlockIndex.LISTING_DOCS / 4 + 10;
        Block block = writeBlock(series);
        try {
            Labels inHead = Labels.of("__name__", "shared_metric", "i", "0003", "job", "node");
            List<io.promethium.api.storage.Series> all = listed(block, l -> l.equals(inHead) ? inHead : null);
            assertThat(all).hasSize(series);
            assertThat(((io.promethium.tsdb.internal.query.MergeKey) all.get(3)).mergeKey()).isSameAs(inHead);
            assertThat(listed(block, 60_000, Long.MAX_VALUE, l -> null)).isEmpty();
            assertThat(block.index().listings().size()).isZero();
        } finally {
            block.close();
        }
    }

    private static List<io.promethium.api.storage.Series> listed(Block block, java.util.function.UnaryOperator<Labels> headLabels) {
        return listed(block, Long.MIN_VALUE, Long.MAX_VALUE, headLabels);
    }

    private static List<io.promethium.api.storage.Series> listed(Block block, long mint, long maxt,
                                                                 java.util.function.UnaryOperator<Labels> headLabels) {
        List<io.promethium.api.storage.Series> out = new ArrayList<>();
        block.acquire();
        try (Querier q = block.querier(mint, maxt, headLabels)) {
            SeriesSet set = q.select(true, new io.promethium.api.storage.SelectHints(mint, maxt, 0, "series", 0,
                    List.of(), false), List.of(Matcher.equal("__name__", "shared_metric")));
            while (set.next()) {
                out.add(set.at());
            }
        }
        return out;
    }

    private Block writeBlock() throws IOException {
        return writeBlock(SERIES);
    }

    private Block writeBlock(int series) throws IOException {
        BlockMeta meta;
        try (BlockWriter w = new BlockWriter(dir, 0, 60_000, FileOpener.DEFAULT)) {
            for (int i = 0; i < series; i++) {
                w.addSeries(Labels.of("__name__", "shared_metric", "i", String.format("%04d", i), "job", "node"),
                        new long[] {1_000, 2_000}, new double[] {i, i + 1}, null, 2);
            }
            meta = w.finish(1, List.of());
        }
        return Block.open(dir.resolve(meta.ulid()));
    }

    private static List<Labels> select(Block block, Matcher matcher) throws IOException {
        List<Labels> out = new ArrayList<>();
        block.acquire();
        try (Querier q = block.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(matcher));
            while (set.next()) {
                out.add(set.at().labels());
            }
        }
        return out;
    }
}
