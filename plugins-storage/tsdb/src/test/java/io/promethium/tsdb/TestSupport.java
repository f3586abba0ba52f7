package io.promethium.tsdb;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads whole query results into plain collections for assertions. */
final class TestSupport {
    private TestSupport() {
    }

    /** One sample as read back. */
    record Sample(long t, double v) {
    }

    /** Defaults without background compaction; commits reach the OS but skip fsync, to keep tests fast. */
    static TsdbOptions options(Path dir) {
        return TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false);
    }

    static Map<Labels, List<Sample>> read(Storage storage, long mint, long maxt, Matcher... matchers) {
        try (Querier q = storage.querier(mint, maxt)) {
            SeriesSet set = q.select(true, null, List.of(matchers));
            Map<Labels, List<Sample>> out = new LinkedHashMap<>();
            SampleIterator reuse = null;
            while (set.next()) {
                List<Sample> samples = new ArrayList<>();
                reuse = set.at().iterator(reuse);
                while (reuse.next()) {
                    samples.add(new Sample(reuse.timestamp(), reuse.value()));
                }
                if (reuse.error() != null) {
                    throw new AssertionError("iterator failed", reuse.error());
                }
                out.put(set.at().labels(), samples);
            }
            if (set.error() != null) {
                throw new AssertionError("series set failed", set.error());
            }
            return out;
        }
    }

    static Map<Labels, List<Sample>> readAll(Storage storage) {
        return read(storage, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.of(io.promethium.api.model.MatchType.REGEX, "__name__", ".+"));
    }

    static long count(Map<Labels, List<Sample>> data) {
        return data.values().stream().mapToLong(List::size).sum();
    }
}
