package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.internal.query.LabelIndex;
import java.util.ArrayList;
import java.util.Collections;
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
public final class HeadPostings implements LabelIndex {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, RoaringBitmap>> byName = new HashMap<>();
    private final RoaringBitmap all = new RoaringBitmap();

    public void add(int id, Labels labels) {
        lock.writeLock().lock();
        try {
            all.add(id);
            for (int i = 0; i < labels.size(); i++) {
                byName.computeIfAbsent(labels.name(i), k -> new HashMap<>())
                        .computeIfAbsent(labels.value(i), k -> new RoaringBitmap())
                        .add(id);
            }
        } finally {
            lock.writeLock().unlock();
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
                        if (values.isEmpty()) {
                            byName.remove(labels.name(i));
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

    @Override
    public List<String> values(String name) {
        lock.readLock().lock();
        try {
            Map<String, RoaringBitmap> values = byName.get(name);
            List<String> list = values == null ? new ArrayList<>() : new ArrayList<>(values.keySet());
            Collections.sort(list);
            return list;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<String> names() {
        lock.readLock().lock();
        try {
            List<String> list = new ArrayList<>(byName.keySet());
            Collections.sort(list);
            return list;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Series count per value of each name, for the status page: name -> (value -> count). */
    public Map<String, Map<String, Integer>> cardinalities() {
        lock.readLock().lock();
        try {
            Map<String, Map<String, Integer>> out = new HashMap<>();
            byName.forEach((name, values) -> {
                Map<String, Integer> counts = new HashMap<>();
                values.forEach((value, bitmap) -> counts.put(value, bitmap.getCardinality()));
                out.put(name, counts);
            });
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }
}
