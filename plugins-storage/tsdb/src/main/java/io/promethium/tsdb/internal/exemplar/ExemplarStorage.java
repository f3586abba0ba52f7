package io.promethium.tsdb.internal.exemplar;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ExemplarQueryable.SeriesExemplars;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exemplars in one fixed-size circular buffer shared by all series, as Prometheus's
 * {@code CircularExemplarStorage}: the newest {@code capacity} exemplars are kept, each series'
 * entries linked oldest to newest through the buffer, so a query walks only its series'
 * exemplars. Capacity 0 keeps none. Thread-safe (one lock: appends are per commit, not per sample).
 */
public final class ExemplarStorage {

    /** What {@link #check} says about an exemplar. */
    public enum Verdict { ADD, DUPLICATE, OUT_OF_ORDER }

    /** Prometheus's limit on the characters of an exemplar's label names and values together. */
    public static final int MAX_LABELS_LENGTH = 128;

    private static final class Chain {
        final Labels series;
        int oldest;
        int newest;

        Chain(Labels series, int index) {
            this.series = series;
            this.oldest = index;
            this.newest = index;
        }
    }

    private final Map<Labels, Chain> index = new HashMap<>();
    private Chain[] owner;
    private long[] ts;
    private double[] vs;
    private Labels[] labels;
    private int[] next;
    private int nextSlot;
    private long appended;
    /** The heap of the exemplars' own label sets, kept as slots are written and overwritten. */
    private long labelBytes;

    public ExemplarStorage(int capacity) {
        allocate(capacity);
    }

    private void allocate(int capacity) {
        owner = new Chain[capacity];
        ts = new long[capacity];
        vs = new double[capacity];
        labels = new Labels[capacity];
        next = new int[capacity];
        nextSlot = 0;
        index.clear();
        labelBytes = 0;
    }

    public synchronized int capacity() {
        return owner.length;
    }

    /** How many exemplars are held now. */
    public synchronized int size() {
        int n = 0;
        for (Chain c : owner) {
            if (c != null) {
                n++;
            }
        }
        return n;
    }

    /** Exemplars added since start (for {@code prometheus_tsdb_exemplar_exemplars_appended_total}). */
    public synchronized long appended() {
        return appended;
    }

    /** Number of series with exemplars held. */
    public synchronized int seriesCount() {
        return index.size();
    }

    /**
     * Whether {@code e} of {@code series} would be added: a duplicate of the series' newest is
     * skipped, one older than it refused.
     */
    public synchronized Verdict check(Labels series, Exemplar e) {
        Chain c = index.get(series);
        if (c == null || owner.length == 0) {
            return Verdict.ADD;
        }
        int n = c.newest;
        if (e.timestamp() == ts[n] && Double.doubleToRawLongBits(e.value()) == Double.doubleToRawLongBits(vs[n]) && e.labels().equals(labels[n])) {
            return Verdict.DUPLICATE;
        }
        return e.timestamp() < ts[n] ? Verdict.OUT_OF_ORDER : Verdict.ADD;
    }

    /** Adds an exemplar (with its timestamp) of {@code series}, overwriting the oldest when full; duplicates and older ones are skipped. */
    public synchronized void add(Labels series, Exemplar e) {
        if (owner.length == 0 || check(series, e) != Verdict.ADD) {
            return;
        }
        int slot = nextSlot;
        Chain previous = owner[slot];
        if (previous != null) {
            // Overwriting the buffer's oldest entry, which is the oldest of its series.
            if (previous.newest == slot) {
                index.remove(previous.series);
            } else {
                previous.oldest = next[slot];
            }
        }
        Chain c = index.get(series);
        if (c == null) {
            c = new Chain(series, slot);
            index.put(series, c);
        } else {
            next[c.newest] = slot;
            c.newest = slot;
        }
        owner[slot] = c;
        ts[slot] = e.timestamp();
        vs[slot] = e.value();
        labelBytes += labelsBytes(e.labels()) - labelsBytes(labels[slot]);
        labels[slot] = e.labels();
        next[slot] = -1;
        nextSlot = (slot + 1) % owner.length;
        appended++;
    }

    private static final long CHAIN_BYTES = org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(Chain.class);
    private static final long LABELS_BYTES = org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(Labels.class);

    /**
     * The heap of the buffer, estimated as Lucene's {@code Accountable}s do: its five arrays (fixed
     * by the capacity), an index entry and chain per series with exemplars, and the exemplars'
     * label sets (kept as they are added and overwritten, not walked here). The series' label sets are the head's.
     */
    public synchronized long ramBytesUsed() {
        return org.apache.lucene.util.RamUsageEstimator.shallowSizeOf(owner) + org.apache.lucene.util.RamUsageEstimator.sizeOf(ts)
                + org.apache.lucene.util.RamUsageEstimator.sizeOf(vs) + org.apache.lucene.util.RamUsageEstimator.shallowSizeOf(labels)
                + org.apache.lucene.util.RamUsageEstimator.sizeOf(next)
                + index.size() * (org.apache.lucene.util.RamUsageEstimator.HASHTABLE_RAM_BYTES_PER_ENTRY + CHAIN_BYTES) + labelBytes;
    }

    private static final long STRING_BYTES = org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(String.class);

    /**
     * One exemplar label set: the object, its array, and its values as Latin-1 strings (trace
     * ids are hex). The names are not counted: a few (trace_id, span_id) shared by all.
     */
    private static long labelsBytes(Labels l) {
        if (l == null || l.isEmpty()) {
            // None, or the shared empty set.
            return 0;
        }
        long bytes = LABELS_BYTES + org.apache.lucene.util.RamUsageEstimator.alignObjectSize(
                org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_ARRAY_HEADER
                        + 2L * l.size() * org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_OBJECT_REF);
        for (int i = 0; i < l.size(); i++) {
            bytes += STRING_BYTES + org.apache.lucene.util.RamUsageEstimator.alignObjectSize(
                    org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_ARRAY_HEADER + l.value(i).length());
        }
        return bytes;
    }

    /** Resizes, keeping the newest exemplars that fit (Prometheus applies a new max_exemplars live). */
    public synchronized void resize(int capacity) {
        if (capacity == owner.length) {
            return;
        }
        List<Object[]> kept = new ArrayList<>();
        int n = owner.length;
        for (int k = 0; k < n; k++) {
            int slot = (nextSlot + k) % n; // oldest first
            if (owner[slot] != null) {
                kept.add(new Object[] {owner[slot].series, new Exemplar(labels[slot], vs[slot], ts[slot], true)});
            }
        }
        allocate(capacity);
        long before = appended;
        for (int i = Math.max(0, kept.size() - capacity); i < kept.size(); i++) {
            add((Labels) kept.get(i)[0], (Exemplar) kept.get(i)[1]);
        }
        appended = before;
    }

    /** The exemplars in {@code [start, end]} of series matching any matcher set, series sorted by labels. */
    public synchronized List<SeriesExemplars> select(long start, long end, List<List<Matcher>> matcherSets) {
        List<SeriesExemplars> out = new ArrayList<>();
        for (Chain c : index.values()) {
            if (!matchesAny(c.series, matcherSets)) {
                continue;
            }
            List<Exemplar> found = new ArrayList<>();
            for (int i = c.oldest; i >= 0; i = next[i]) {
                if (ts[i] >= start && ts[i] <= end) {
                    found.add(new Exemplar(labels[i], vs[i], ts[i], true));
                }
                if (i == c.newest) {
                    break;
                }
            }
            if (!found.isEmpty()) {
                out.add(new SeriesExemplars(c.series, found));
            }
        }
        out.sort(Comparator.comparing(SeriesExemplars::seriesLabels));
        return out;
    }

    private static boolean matchesAny(Labels series, List<List<Matcher>> sets) {
        for (List<Matcher> set : sets) {
            if (io.promethium.tsdb.internal.util.LabelMatching.matchesAll(series, set)) {
                return true;
            }
        }
        return false;
    }

    /** The length Prometheus limits: label names and values together, in characters (code points). */
    public static int labelsLength(Labels l) {
        int n = 0;
        for (int i = 0; i < l.size(); i++) {
            n += l.name(i).codePointCount(0, l.name(i).length()) + l.value(i).codePointCount(0, l.value(i).length());
        }
        return n;
    }
}
