package io.promethium.tsdb;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ForwardingSampleIterator;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.ValueType;
import io.promethium.tsdb.internal.block.AggrChunk.Aggregate;
import io.promethium.tsdb.internal.block.AggrHistograms;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.DownsampledReader;
import io.promethium.tsdb.internal.query.LabelsOnlySeries;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Answers a select from downsampled companions when its hints allow (Thanos's
 * {@code downsampledSeries}/{@code AggrsFromFunc} idea, our own code): the function reads one
 * aggregate whose points give the raw answer ({@code sum_over_time} the window sums,
 * {@code min_over_time}/{@code max_over_time} the window extremes, {@code rate}/{@code increase}
 * the counter with resets added back, {@code count_over_time}/{@code avg_over_time} a point per
 * window carrying its count as {@link SampleIterator#sampleCount()} and its sum as value), the range spans at least two windows, and the resolution
 * is at most {@code maxSourceResolution} ({@link SelectHints#AUTO}: a fifth of the step). Each
 * instant of the select is read from the coarsest allowed resolution whose companions cover it,
 * else raw (blocks and head): recent data stays raw, expired raw data is still answered.
 * Anything else (other functions, plain selectors, no hints, {@link SelectHints#RAW}) reads raw.
 *
 * <p>The series and label lookups ({@code "series"} hints, {@link #labelNames}, {@link #labelValues})
 * also list what the companions hold where raw data is gone (before the oldest raw block or head
 * sample), each series once.
 */
final class DownsampledQuerier implements Querier {
    private static final List<Matcher> ALL = List.of(Matcher.of(MatchType.REGEX, Labels.METRIC_NAME, ".+"));
    private final Querier raw;
    private final List<Block> companions;
    private final List<DownsamplingLevel> levels;
    private final long minTime;
    private final long maxTime;
    private final long rawStart;
    private boolean closed;

    /**
     * {@code companions}: readable companions the caller acquired, released when this querier closes.
     * {@code rawStart}: the oldest time raw blocks or the head hold ({@code Long.MAX_VALUE} when
     * neither holds anything); before it, the series and label lookups read the companions.
     */
    DownsampledQuerier(Querier raw, List<Block> companions, List<DownsamplingLevel> levels, long minTime, long maxTime,
            long rawStart) {
        this.raw = raw;
        this.companions = companions;
        this.levels = levels;
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.rawStart = rawStart;
    }

    /** The aggregate whose points answer {@code function} over aligned windows, or null when only raw samples do. */
    static Aggregate aggregateFor(String function) {
        return switch (function) {
            case "sum_over_time" -> Aggregate.SUM;
            case "min_over_time" -> Aggregate.MIN;
            case "max_over_time" -> Aggregate.MAX;
            case "rate", "increase" -> Aggregate.COUNTER;
            // Points standing for their window's samples (SampleIterator.sampleCount): the engine adds counts, or sums over counts.
            case "count_over_time" -> Aggregate.COUNT;
            case "avg_over_time" -> Aggregate.SUM;
            // irate, idelta, resets, changes, quantile_over_time, last_over_time, stddev... need raw samples.
            default -> null;
        };
    }

    /** Whether {@code function} reads points that carry their window's sample count (count_over_time, avg_over_time). */
    static boolean counted(String function) {
        return function.equals("count_over_time") || function.equals("avg_over_time");
    }

    /** The resolutions (ms) a select may read, coarsest first; empty for raw only. */
    static List<Long> allowed(SelectHints hints, List<DownsamplingLevel> levels) {
        if (hints == null || aggregateFor(hints.function()) == null || hints.maxSourceResolution() == SelectHints.RAW) {
            return List.of();
        }
        long limit = hints.maxSourceResolution() == SelectHints.AUTO ? hints.step() / 5 : hints.maxSourceResolution();
        List<Long> out = new ArrayList<>();
        for (DownsamplingLevel l : levels) {
            long r = l.resolution().toMillis();
            // Two windows at least: rate needs two points in every range.
            if (r <= limit && hints.range() >= 2 * r) {
                out.add(0, r);
            }
        }
        return out;
    }

    /** One stretch {@code [from, to)} of the select and where it is read from (0: raw). */
    record Segment(long from, long to, long resolution) {
    }

    /**
     * Splits {@code [start, end]} into stretches, each read from the coarsest allowed resolution
     * whose companions span it (from the first one's start to the last one's end), else raw.
     */
    static List<Segment> plan(long start, long end, List<Long> allowed, List<Block> companions) {
        long[] from = new long[allowed.size()];
        long[] to = new long[allowed.size()];
        for (int i = 0; i < allowed.size(); i++) {
            from[i] = Long.MAX_VALUE;
            to[i] = Long.MIN_VALUE;
            for (Block b : companions) {
                if (b.meta().resolution() == allowed.get(i) && b.corruption() == null) {
                    from[i] = Math.min(from[i], b.meta().minTime());
                    to[i] = Math.max(to[i], b.meta().maxTime());
                }
            }
        }
        java.util.TreeSet<Long> cuts = new java.util.TreeSet<>();
        cuts.add(start);
        cuts.add(end + 1);
        for (int i = 0; i < allowed.size(); i++) {
            if (from[i] < to[i]) {
                if (from[i] > start && from[i] <= end) {
                    cuts.add(from[i]);
                }
                if (to[i] > start && to[i] <= end) {
                    cuts.add(to[i]);
                }
            }
        }
        List<Segment> out = new ArrayList<>();
        Long a = null;
        for (long c : cuts) {
            if (a != null) {
                long source = 0;
                for (int i = 0; i < allowed.size(); i++) {
                    if (from[i] <= a && c <= to[i]) {
                        source = allowed.get(i);
                        break;
                    }
                }
                if (!out.isEmpty() && out.get(out.size() - 1).resolution() == source) {
                    out.set(out.size() - 1, new Segment(out.get(out.size() - 1).from(), c, source));
                } else {
                    out.add(new Segment(a, c, source));
                }
            }
            a = c;
        }
        return out;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
        if (hints != null && "series".equals(hints.function())) {
            return listSeries(sorted, hints, matchers);
        }
        List<Long> allowed = allowed(hints, levels);
        if (allowed.isEmpty()) {
            return raw.select(sorted, hints, matchers);
        }
        long start = Math.max(minTime, hints.start());
        long end = Math.min(maxTime, hints.end());
        if (end < start) {
            return raw.select(sorted, hints, matchers);
        }
        List<Segment> plan = plan(start, end, allowed, companions);
        if (plan.stream().allMatch(s -> s.resolution() == 0)) {
            return raw.select(sorted, hints, matchers);
        }
        Aggregate column = aggregateFor(hints.function());
        boolean counted = counted(hints.function());
        boolean avg = hints.function().equals("avg_over_time");
        TreeMap<Labels, Joined> joined = new TreeMap<>();
        long coarsest = 0;
        for (int i = 0; i < plan.size(); i++) {
            Segment seg = plan.get(i);
            if (seg.resolution() == 0) {
                continue;
            }
            coarsest = Math.max(coarsest, seg.resolution());
            List<Block> blocks = new ArrayList<>();
            for (Block b : companions) {
                if (b.meta().resolution() == seg.resolution() && b.corruption() == null && b.meta().maxTime() > seg.from()
                        && b.meta().minTime() < seg.to()) {
                    blocks.add(b);
                }
            }
            for (DownsampledReader.Series s : DownsampledReader.select(blocks, matchers, seg.from(), seg.to() - 1)) {
                if (avg && s.histograms()) {
                    // The engine divides a histogram sum by its points, not by the counts they carry: raw data answers.
                    continue;
                }
                joined.computeIfAbsent(s.labels(), l -> new Joined(l, plan, column, counted)).sources[i] = s;
            }
        }
        List<String> warnings = new ArrayList<>();
        // Raw series are selected even where companions cover the whole select: a series a companion
        // lacks (histograms mixed with floats or of unaddable layouts, or left out above) is read raw
        // in those stretches, where raw data is left.
        SeriesSet rawSet = raw.select(true, hints, matchers);
        while (rawSet.next()) {
            Series s = rawSet.at();
            Joined j = joined.computeIfAbsent(s.labels(), l -> new Joined(l, plan, column, counted));
            for (int i = 0; i < plan.size(); i++) {
                if (j.sources[i] == null) {
                    j.sources[i] = s;
                }
            }
        }
        if (rawSet.error() != null) {
            return SeriesSet.failed(rawSet.error());
        }
        warnings.addAll(rawSet.warnings());
        List<Series> out = new ArrayList<>(joined.values());
        return SeriesSet.withResolution(SeriesSet.ofList(out, warnings), coarsest);
    }

    /** A series read stretch by stretch: {@code sources[i]} is a raw {@link Series} or a {@link DownsampledReader.Series}. */
    private static final class Joined implements Series {
        private final Labels labels;
        private final List<Segment> plan;
        private final Aggregate column;
        private final boolean counted;
        final Object[] sources;

        Joined(Labels labels, List<Segment> plan, Aggregate column, boolean counted) {
            this.labels = labels;
            this.plan = plan;
            this.column = column;
            this.counted = counted;
            this.sources = new Object[plan.size()];
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new JoinedIterator(this);
        }
    }

    /**
     * Walks the stretches in turn. For a counter, the values come out with every reset added
     * back, across stretches too: where a stretch begins, its first value is compared with the
     * previous stretch's last raw value (a companion's chunk end), so the engine sees no false
     * reset at a join and no increase is lost or counted twice.
     */
    private static final class JoinedIterator extends ForwardingSampleIterator {
        private static final SampleIterator EMPTY = new SampleIterator() {
            @Override
            public boolean next() {
                return false;
            }

            @Override
            public boolean seek(long t) {
                return false;
            }

            @Override
            public long timestamp() {
                return Long.MIN_VALUE;
            }

            @Override
            public double value() {
                return Double.NaN;
            }
        };

        private final Joined series;
        private final boolean counter;
        private int segment = -1;
        private SampleIterator current = EMPTY;
        private boolean currentRaw;
        private boolean fresh;
        private boolean positioned;
        private Throwable error;
        // Counter state: the last raw value seen (a companion's chunk end after its stretch) and the last output.
        private double lastRaw = Double.NaN;
        private double lastOut = Double.NaN;
        private boolean first = true;
        private double value;
        // The same for a histogram counter; histogram: the current point's adjusted histogram (null: none).
        private FloatHistogram hLastRaw;
        private FloatHistogram hLastOut;
        private boolean hFirst = true;
        private FloatHistogram histogram;

        JoinedIterator(Joined series) {
            this.series = series;
            this.counter = series.column == Aggregate.COUNTER;
        }

        @Override
        protected SampleIterator delegate() {
            return current;
        }

        @Override
        public boolean next() {
            positioned = false;
            while (segment < series.plan.size()) {
                if (segment >= 0) {
                    Segment seg = series.plan.get(segment);
                    // A raw stretch's iterator spans the whole select: its first advance seeks to the stretch.
                    boolean has = fresh ? current.seek(seg.from()) : current.next();
                    fresh = false;
                    if (has && current.timestamp() < seg.to()) {
                        accept();
                        positioned = true;
                        return true;
                    }
                    if (current.error() != null) {
                        error = current.error();
                        segment = series.plan.size();
                        return false;
                    }
                    if (counter && !currentRaw) {
                        double r = DownsampledReader.lastRaw(current);
                        if (!Double.isNaN(r)) {
                            lastRaw = r;
                        }
                        FloatHistogram rh = DownsampledReader.lastRawHistogram(current);
                        if (rh != null) {
                            hLastRaw = rh;
                        }
                    }
                }
                open(segment + 1);
            }
            return false;
        }

        private void open(int next) {
            segment = next;
            current = EMPTY;
            if (segment >= series.plan.size()) {
                return;
            }
            Segment seg = series.plan.get(segment);
            Object source = series.sources[segment];
            currentRaw = !(source instanceof DownsampledReader.Series);
            if (source instanceof DownsampledReader.Series d) {
                current = series.counted ? d.countedIterator(series.column, seg.from(), seg.to() - 1)
                        : d.iterator(series.column, seg.from(), seg.to() - 1);
            } else if (source instanceof Series s) {
                current = s.iterator(null);
            }
            fresh = true;
        }

        /** Sets the value of the sample just read (counters: resets added back). */
        private void accept() {
            histogram = null;
            if (counter && current.valueType().isHistogram()) {
                acceptHistogram();
                return;
            }
            if (!counter || current.valueType() != ValueType.FLOAT) {
                value = current.value();
                return;
            }
            double v = current.value();
            if (Double.isNaN(v)) {
                value = v; // a stale marker or NaN passes as it is
                return;
            }
            if (first) {
                first = false;
                lastOut = v;
            } else if (Double.isNaN(lastRaw)) {
                lastOut = Math.max(lastOut, v); // nothing to compare with (cannot happen after a sample): keep monotonic
            } else if (v < lastRaw) {
                lastOut += v; // a reset: all of v is increase
            } else {
                lastOut += v - lastRaw;
            }
            lastRaw = v;
            value = lastOut;
        }

        /** {@link #accept} for a histogram counter: the same joins, with histogram arithmetic. */
        private void acceptHistogram() {
            FloatHistogram v = current.floatHistogram();
            if (v.isStale()) {
                histogram = v;
                return;
            }
            v = v.copy();
            if (hFirst) {
                hFirst = false;
                hLastOut = v;
            } else if (hLastRaw != null) {
                hLastOut = AggrHistograms.increase(hLastOut, hLastRaw, v);
            } else {
                hLastOut = v;
            }
            hLastRaw = v;
            histogram = hLastOut;
        }

        @Override
        public ValueType valueType() {
            return histogram != null ? ValueType.FLOAT_HISTOGRAM : current.valueType();
        }

        @Override
        public FloatHistogram floatHistogram() {
            return histogram != null ? histogram : current.floatHistogram();
        }

        @Override
        public double value() {
            return value;
        }

        @Override
        public boolean seek(long t) {
            if (positioned && current.timestamp() >= t) {
                return true;
            }
            while (next()) {
                if (current.timestamp() >= t) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long startTimestamp() {
            return currentRaw ? current.startTimestamp() : SampleIterator.NO_START_TIMESTAMP;
        }

        @Override
        public Throwable error() {
            return error;
        }
    }

    /**
     * A select for the series API ({@code "series"} hints: labels only): the raw series, plus
     * those the companions hold where raw data is gone, each listed once. The latter yield no
     * samples ({@link LabelsOnlySeries}): a companion's aggregates are not raw samples.
     */
    private SeriesSet listSeries(boolean sorted, SelectHints hints, List<Matcher> matchers) {
        TreeMap<Labels, Long> gone = whereRawIsGone(hints.start(), hints.end(), matchers);
        SeriesSet rawSet = raw.select(sorted, hints, matchers);
        if (gone.isEmpty()) {
            return rawSet;
        }
        TreeMap<Labels, Series> all = new TreeMap<>();
        while (rawSet.next()) {
            all.put(rawSet.at().labels(), rawSet.at());
        }
        if (rawSet.error() != null) {
            return SeriesSet.failed(rawSet.error());
        }
        gone.forEach((labels, newest) -> all.putIfAbsent(labels, new LabelsOnlySeries(labels, newest)));
        return SeriesSet.ofList(new ArrayList<>(all.values()), rawSet.warnings());
    }

    /**
     * The series the configured resolutions' companions hold in the part of {@code [start, end]}
     * (within this querier's range) before {@code rawStart}, where raw data is gone, with the
     * newest point each holds; every resolution's companions are read (a series may be left in
     * one only), each series once. Empty when raw data covers the range.
     */
    private TreeMap<Labels, Long> whereRawIsGone(long start, long end, List<Matcher> matchers) {
        TreeMap<Labels, Long> out = new TreeMap<>();
        long from = Math.max(minTime, start);
        long to = Math.min(Math.min(maxTime, end), rawStart == Long.MAX_VALUE ? Long.MAX_VALUE : rawStart - 1);
        if (to < from) {
            return out;
        }
        List<Matcher> select = matchers.isEmpty() ? ALL : matchers;
        for (DownsamplingLevel level : levels) {
            long resolution = level.resolution().toMillis();
            List<Block> blocks = new ArrayList<>();
            for (Block b : companions) {
                if (b.meta().resolution() == resolution && b.corruption() == null && b.meta().maxTime() > from
                        && b.meta().minTime() <= to) {
                    blocks.add(b);
                }
            }
            if (blocks.isEmpty()) {
                continue;
            }
            for (DownsampledReader.Series s : DownsampledReader.select(blocks, select, from, to)) {
                if (s.overlaps(from, to)) {
                    out.merge(s.labels(), s.maxTime(), Math::max);
                }
            }
        }
        return out;
    }

    /** Label values from raw data, and from the companions where raw data is gone (see {@link #whereRawIsGone}). */
    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeMap<Labels, Long> gone = whereRawIsGone(minTime, maxTime, matchers);
        List<String> fromRaw = raw.labelValues(name, matchers);
        if (gone.isEmpty()) {
            return fromRaw;
        }
        java.util.TreeSet<String> values = new java.util.TreeSet<>(Labels.STRING_ORDER);
        values.addAll(fromRaw);
        for (Labels l : gone.keySet()) {
            String v = l.get(name);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return new ArrayList<>(values);
    }

    /** Label names from raw data, and from the companions where raw data is gone (see {@link #whereRawIsGone}). */
    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeMap<Labels, Long> gone = whereRawIsGone(minTime, maxTime, matchers);
        List<String> fromRaw = raw.labelNames(matchers);
        if (gone.isEmpty()) {
            return fromRaw;
        }
        java.util.TreeSet<String> names = new java.util.TreeSet<>(Labels.STRING_ORDER);
        names.addAll(fromRaw);
        for (Labels l : gone.keySet()) {
            names.addAll(l.names());
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> warnings() {
        return raw.warnings();
    }

    @Override
    public void close() {
        if (closed) {
            // A second close must not release the companions again: another querier may hold them.
            return;
        }
        closed = true;
        try {
            raw.close();
        } finally {
            companions.forEach(Block::release);
        }
    }
}
