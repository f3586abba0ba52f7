package io.promethium.tsdb;

import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.MetadataQueryable.SeriesMetadata;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.StorageException;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.query.HeadQuerier;
import io.promethium.tsdb.internal.query.MergeQuerier;
import io.promethium.tsdb.internal.retention.RetentionQuerier;
import io.promethium.tsdb.internal.util.LabelMatching;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The read side of a {@link Tsdb}: the querier it hands out (the head and the blocks the range
 * touches merged, per-series and global retention hiding what is past its cutoff, downsampled
 * companions where levels are configured), and the head's series metadata. The database checks
 * that it is open before calling in here.
 */
final class TsdbQuerying {

    private TsdbQuerying() {
    }

    /** A querier over {@code [minTime, maxTime]} of everything the database serves. */
    static Querier querier(Tsdb t, long minTime, long maxTime) {
        List<Querier> queriers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        // Head first: it fixes where its reads start before the block list is read, so a block cut
        // in between shows up in both (merged away), never in neither.
        HeadQuerier headQuerier = new HeadQuerier(t.head, minTime, maxTime);
        while (!openBlocks(t, minTime, maxTime, queriers, warnings)) {
            // A compaction replaced a block between reading the list and acquiring it: the list it
            // published since holds what replaced it. Skipping the block lost its samples.
            queriers.forEach(Querier::close);
            queriers.clear();
            warnings.clear();
            refuseIfClosed(t);
        }
        queriers.add(headQuerier);
        long newest = Math.max(t.maxBlockTime(), t.head.maxTime());
        Querier raw = RetentionQuerier.wrap(new MergeQuerier(queriers, warnings),
                t.seriesRetention.policy(), minTime, newest, t.options.retention().toMillis());
        List<DownsamplingLevel> levels = t.downsampling;
        // Only configured resolutions answer queries; without levels every select reads raw as before.
        if (levels.isEmpty() || t.downsampledBlocks.isEmpty()) {
            return raw;
        }
        List<Block> companions = new ArrayList<>();
        try {
            while (!acquireCompanions(t, companions)) {
                // A coarser level or retention replaced a companion in between: the same race as the blocks'.
                companions.forEach(Block::release);
                companions.clear();
                refuseIfClosed(t);
            }
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
        // The rules hide companion data past a series' cutoff too; series matching no rule keep what
        // their resolution's retention keeps (global 0 here: companions may outlive raw data).
        long rawStart = t.head.minTime();
        for (Block b : t.blocks) {
            if (b.corruption() == null) {
                rawStart = Math.min(rawStart, b.meta().minTime());
            }
        }
        return RetentionQuerier.wrap(new DownsampledQuerier(raw, companions, levels, minTime, maxTime, rawStart),
                t.seriesRetention.policy(), minTime, newest, 0);
    }

    /** After a failed acquire: closing releases the blocks but leaves the lists, and nothing will replace them. */
    private static void refuseIfClosed(Tsdb t) {
        if (t.closed) {
            throw new StorageException(StorageException.Reason.CLOSED, "TSDB " + t.dir + " is closed");
        }
    }

    /**
     * Opens a querier on each block of the current list that overlaps the range; false, having
     * opened some, when one of them was released (replaced or deleted) before it could be acquired.
     */
    private static boolean openBlocks(Tsdb t, long minTime, long maxTime, List<Querier> queriers, List<String> warnings) {
        for (Block b : t.blocks) {
            BlockMeta m = b.meta();
            if (m.maxTime() <= minTime || m.minTime() > maxTime) {
                continue;
            }
            if (b.corruption() != null) {
                warnings.add("block " + m.ulid() + " skipped: " + b.corruption());
                continue;
            }
            if (!b.acquire()) {
                return false;
            }
            queriers.add(b.querier(minTime, maxTime, t.head::ownLabels));
        }
        return true;
    }

    /**
     * Acquires every readable companion of the current list, held until the querier closes so a
     * select reads the companions the querier was opened on; false when one was released first.
     */
    private static boolean acquireCompanions(Tsdb t, List<Block> held) {
        for (Block b : t.downsampledBlocks) {
            if (b.corruption() != null) {
                continue;
            }
            if (!b.acquire()) {
                return false;
            }
            held.add(b);
        }
        return true;
    }

    /** The head's series that match every matcher and have metadata, in label order (the metadata APIs). */
    static List<SeriesMetadata> selectMetadata(Head head, List<Matcher> matchers) {
        List<SeriesMetadata> out = new ArrayList<>();
        head.forEachSeries(s -> {
            Metadata m = s.metadata();
            if (m != null && LabelMatching.matchesAll(s.labels(), matchers)) {
                out.add(new SeriesMetadata(s.labels(), m));
            }
        });
        out.sort(Comparator.comparing(SeriesMetadata::seriesLabels));
        return out;
    }

    /** Series metadata kept per series in the head, by metric name: each distinct metadata once. */
    static Map<String, List<Metadata>> seriesMetadata(Head head) {
        Map<String, LinkedHashSet<Metadata>> byName = new TreeMap<>();
        head.forEachSeries(s -> {
            Metadata m = s.metadata();
            if (m != null) {
                byName.computeIfAbsent(s.labels().get("__name__"), k -> new LinkedHashSet<>()).add(m);
            }
        });
        Map<String, List<Metadata>> out = new LinkedHashMap<>();
        byName.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }
}
