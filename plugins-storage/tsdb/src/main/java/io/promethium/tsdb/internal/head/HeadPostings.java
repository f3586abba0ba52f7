package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.internal.query.LabelIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * The head's inverted index: a RoaringBitmap of series ids per label pair. Writes (series
 * created or dropped) are rare next to appends, so one read-write lock guards it all.
 */
public final class HeadPostings implements LabelIndex, org.apache.lucene.util.Accountable {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, RoaringBitmap>> byName = new HashMap<>();
    private final RoaringBitmap all = new RoaringBitmap();
    /**
     * Sorted values per name, kept until a value of that name appears or goes: the label values
     * API asks for the same names again and again, and series come and go far less often. Filled
     * under the read lock (hence concurrent), emptied under the write lock.
     */
    private final Map<String, List<String>> sortedValues = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile List<String> sortedNames;

    /**
     * The objects of a bitmap that {@link RoaringBitmap#getLongSizeInBytes} leaves out (it counts
     * the keys and containers' data): the bitmap, its array of containers, a container and the
     * headers of their arrays. Most label values have a bitmap of a few series, where these are
     * most of its heap: without them the head's estimate is 65 % of its heap, with them 87 % (HeadMemoryTest).
     */
    private static final long BITMAP_OBJECTS = org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(RoaringBitmap.class)
            + org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(org.roaringbitmap.RoaringArray.class)
            + org.apache.lucene.util.RamUsageEstimator.shallowSizeOfInstance(org.roaringbitmap.ArrayContainer.class)
            + 3L * org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_ARRAY_HEADER;

    /**
     * The heap the index holds, estimated as Lucene's {@code Accountable}s do: each bitmap's own
     * size, the hash-table entries of names and values, and the cache of sorted values per name
     * (the label strings are the head's interned symbols, counted there). Walks every label pair under the read lock: for status and
     * metrics, not for hot paths.
     */
    @Override
    public long ramBytesUsed() {
        lock.readLock().lock();
        try {
            long bytes = all.getLongSizeInBytes();
            for (Map<String, RoaringBitmap> values : byName.values()) {
                bytes += org.apache.lucene.util.RamUsageEstimator.HASHTABLE_RAM_BYTES_PER_ENTRY;
                for (RoaringBitmap bitmap : values.values()) {
                    bytes += org.apache.lucene.util.RamUsageEstimator.HASHTABLE_RAM_BYTES_PER_ENTRY + BITMAP_OBJECTS + bitmap.getLongSizeInBytes();
                }
            }
            for (List<String> cached : sortedValues.values()) {
                // An unmodifiable list over an array of references.
                bytes += org.apache.lucene.util.RamUsageEstimator.HASHTABLE_RAM_BYTES_PER_ENTRY
                        + org.apache.lucene.util.RamUsageEstimator.alignObjectSize(org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_ARRAY_HEADER
                                + (long) cached.size() * org.apache.lucene.util.RamUsageEstimator.NUM_BYTES_OBJECT_REF);
            }
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Calls {@code action} with every label name and every value of each name (a value used under
     * two names twice), under the read lock: the head's live symbols, as Prometheus's
     * {@code MemPostings} serve its head's.
     */
    void forEachSymbol(java.util.function.Consumer<String> action) {
        lock.readLock().lock();
        try {
            for (Map.Entry<String, Map<String, RoaringBitmap>> e : byName.entrySet()) {
                action.accept(e.getKey());
                for (String value : e.getValue().keySet()) {
                    action.accept(value);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    public void add(int id, Labels labels) {
        lock.writeLock().lock();
        try {
            index(id, labels);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** {@link #add} for the first {@code n} series of the arrays, under one hold of the lock (WAL replay's batches). */
    public void addAll(int[] ids, Labels[] labels, int n) {
        lock.writeLock().lock();
        try {
            for (int i = 0; i < n; i++) {
                index(ids[i], labels[i]);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Under the write lock. */
    private void index(int id, Labels labels) {
        // Refs are never reused and a series is indexed once, when it wins its label set.
        assert !all.contains(id) : "series id " + id + " indexed twice";
        all.add(id);
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            Map<String, RoaringBitmap> values = byName.get(name);
            if (values == null) {
                values = new HashMap<>();
                byName.put(name, values);
                sortedNames = null;
            }
            RoaringBitmap bitmap = values.get(labels.value(i));
            if (bitmap == null) {
                bitmap = new RoaringBitmap();
                values.put(labels.value(i), bitmap);
                sortedValues.remove(name);
            }
            bitmap.add(id);
        }
    }

    public void remove(int id, Labels labels) {
        lock.writeLock().lock();
        try {
            all.remove(id);
            for (int i = 0; i < labels.size(); i++) {
                Map<String, RoaringBitmap> values = byName.get(labels.name(i));
                if (values == null) {
                    continue;
                }
                RoaringBitmap bitmap = values.get(labels.value(i));
                if (bitmap != null) {
                    bitmap.remove(id);
                    if (bitmap.isEmpty()) {
                        values.remove(labels.value(i));
                        sortedValues.remove(labels.name(i));
                        if (values.isEmpty()) {
                            byName.remove(labels.name(i));
                            sortedNames = null;
                        }
                    }
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public RoaringBitmap all() {
        lock.readLock().lock();
        try {
            return all.clone();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public RoaringBitmap postings(String name, String value) {
        lock.readLock().lock();
        try {
            Map<String, RoaringBitmap> values = byName.get(name);
            RoaringBitmap bitmap = values == null ? null : values.get(value);
            return bitmap == null ? new RoaringBitmap() : bitmap.clone();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public RoaringBitmap postingsWhere(String name, Predicate<String> valueMatches) {
        lock.readLock().lock();
        try {
            RoaringBitmap result = new RoaringBitmap();
            Map<String, RoaringBitmap> values = byName.get(name);
            if (values != null) {
                for (Map.Entry<String, RoaringBitmap> e : values.entrySet()) {
                    if (valueMatches.test(e.getKey())) {
                        result.or(e.getValue());
                    }
                }
            }
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sorted values of {@code name}, unmodifiable. */
    @Override
    public List<String> values(String name) {
        lock.readLock().lock();
        try {
            List<String> cached = sortedValues.get(name);
            if (cached != null) {
                return cached;
            }
            Map<String, RoaringBitmap> values = byName.get(name);
            if (values == null) {
                return List.of();
            }
            String[] sorted = values.keySet().toArray(String[]::new);
            // Go's order, as the blocks' terms come: the merge across sources relies on one order.
            java.util.Arrays.sort(sorted, Labels.STRING_ORDER);
            List<String> list = List.of(sorted);
            sortedValues.put(name, list);
            return list;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sorted values of {@code name} whose postings meet {@code ids}. */
    public List<String> valuesIntersecting(String name, RoaringBitmap ids) {
        List<String> out = new ArrayList<>();
        if (ids.isEmpty()) {
            return out;
        }
        lock.readLock().lock();
        try {
            Map<String, RoaringBitmap> values = byName.get(name);
            if (values == null) {
                return out;
            }
            for (String v : values(name)) {
                if (RoaringBitmap.intersects(values.get(v), ids)) {
                    out.add(v);
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sorted label names, unmodifiable. */
    @Override
    public List<String> names() {
        lock.readLock().lock();
        try {
            List<String> cached = sortedNames;
            if (cached == null) {
                String[] sorted = byName.keySet().toArray(String[]::new);
                java.util.Arrays.sort(sorted, Labels.STRING_ORDER);
                cached = List.of(sorted);
                sortedNames = cached;
            }
            return cached;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** What {@link #visitCardinalities} tells: each label pair with its number of series, name by name. */
    public interface CardinalityVisitor {
        /** A pair; a name's pairs come one after another. */
        void pair(String name, String value, int series);
    }

    /**
     * Each label pair with its number of series, under the read lock, without a copy: at ten
     * million series a map of maps of them was most of what the status API held while it ran.
     */
    public void visitCardinalities(CardinalityVisitor visitor) {
        lock.readLock().lock();
        try {
            byName.forEach((name, values) -> values.forEach((value, bitmap) -> visitor.pair(name, value, bitmap.getCardinality())));
        } finally {
            lock.readLock().unlock();
        }
    }
}
