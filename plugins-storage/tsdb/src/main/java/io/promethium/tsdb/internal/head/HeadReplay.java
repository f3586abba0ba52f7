package io.promethium.tsdb.internal.head;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.wal.DecodedRecords;
import io.promethium.tsdb.internal.wal.WalReplay;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Applies replayed WAL records to the head, as Prometheus does: series, tombstones, metadata and
 * exemplars on the replaying thread in log order; samples (floats, histograms and their start
 * timestamps) sharded by series over worker threads, each series always on the same worker so
 * its samples keep their order. A sample is resolved to its series when it is dispatched, so a
 * sample logged before its series record is unknown, as in serial replay. New series are indexed
 * (the postings) in batches on a thread of their own. With one worker everything runs on the
 * calling thread. Call {@link #finish} once the WAL is read.
 */
public final class HeadReplay implements WalReplay.Consumer {
    /** Samples per hand-off to a worker. */
    private static final int BATCH = 4096;
    /** New series per hand-off to the indexing thread. */
    private static final int INDEX_BATCH = 1024;
    /** Samples whose series a worker touches ahead of appending (their cache misses overlap). */
    private static final int TOUCH = 128;
    private static final byte FLOAT = 0;
    private static final byte HISTOGRAM = 1;
    private static final byte START = 2;

    private final Head head;
    private final TsdbMetrics metrics;
    private final long minValid;
    private final Shard[] shards;
    private final Batch[] open;
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(1024);
    private final List<Thread> threads = new ArrayList<>();
    private final Indexing indexing;
    private volatile Throwable failure;
    /**
     * Whether a series record of this replay named a label set already filed under another ref
     * (an alias). Until one does, a sample's shard is its ref's without asking the head whether
     * the ref is an alias: that read is of the ref table's newest-time slots, which the applying
     * threads write, so it missed the cache on the thread every sample passes. Replay fills an
     * empty head, so every alias is made here.
     */
    private boolean anyAlias;

    /** {@code workers}: threads applying samples (1: the calling thread applies them). */
    /**
     * Replays the WAL in {@code walDir} into {@code head} with one worker per core and returns the
     * segment after the last one read; the workers are finished (and their failure added to the
     * replay's) whatever happens.
     */
    public static int replay(Head head, java.nio.file.Path walDir, TsdbMetrics metrics) throws java.io.IOException {
        return replay(head, walDir, metrics, WalReplay.Progress.NONE);
    }

    /** As {@link #replay(Head, java.nio.file.Path, TsdbMetrics)}, telling {@code progress} where it stands. */
    public static int replay(Head head, java.nio.file.Path walDir, TsdbMetrics metrics, WalReplay.Progress progress)
            throws java.io.IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        HeadReplay apply = new HeadReplay(head, cores);
        int next;
        try {
            next = new WalReplay(metrics, cores, symbols(head)).replay(walDir, apply, progress);
        } catch (java.io.IOException | RuntimeException e) {
            try {
                apply.finish();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        apply.finish();
        head.removeEmptySeries();
        return next;
    }

    public HeadReplay(Head head, int workers) {
        this.head = head;
        this.metrics = head.metrics();
        this.minValid = head.minValidTime();
        int n = Math.max(1, workers);
        shards = new Shard[n];
        open = new Batch[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
            open[i] = new Batch();
        }
        indexing = new Indexing(n > 1);
        if (n > 1) {
            for (int i = 0; i < n; i++) {
                Shard shard = shards[i];
                Thread t = new Thread(() -> shard.run(), "wal-replay-apply-" + (i + 1));
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }
    }

    /** The head's canonical string for a label name or value (what decoding should produce). */
    public static java.util.function.UnaryOperator<String> symbols(Head head) {
        return head::symbol;
    }

    @Override
    public void accept(DecodedRecords r) {
        checkFailure();
        int f = 0;
        int entries = r.entries();
        for (int i = 0; i < entries; i++) {
            int until = r.floatsBefore(i);
            if (until > f) {
                floats(r, f, until);
                f = until;
            }
            entry(r, i);
        }
        if (r.floats() > f) {
            floats(r, f, r.floats());
        }
    }

    private void floats(DecodedRecords r, int from, int to) {
        long[] refs = r.refs();
        long[] ts = r.timestamps();
        double[] vs = r.values();
        int n = shards.length;
        for (int i = from; i < to; i++) {
            long ref = refs[i];
            MemSeries s = head.series(ref);
            if (s == null) {
                metrics.walReplayUnknownRefs.increment();
                continue;
            }
            // The shard from the ref without reading the series object (a cache miss per sample
            // here, on the thread every sample passes); only a second ref of a series (alias) must.
            int k = n == 1 ? 0 : shard(anyAlias && head.isAlias(ref) ? s.ref() : ref, n);
            Batch b = open[k];
            b.add(FLOAT, s, ts[i], vs[i], 0, null);
            if (b.n == BATCH) {
                send(k);
            }
        }
    }

    private void entry(DecodedRecords r, int i) {
        long ref = r.ref(i);
        switch (r.kind(i)) {
            case DecodedRecords.SERIES -> {
                if (head.createReplayed(ref, (Labels) r.object(i), indexing).ref() != ref) {
                    anyAlias = true;
                }
            }
            case DecodedRecords.TOMBSTONE -> {
                MemSeries s = head.series(ref);
                if (s != null) {
                    s.addDeleted(r.a(i), r.b(i));
                }
            }
            case DecodedRecords.METADATA -> {
                MemSeries s = head.series(ref);
                if (s != null) {
                    s.updateMetadata(head.intern((Metadata) r.object(i)));
                }
            }
            case DecodedRecords.EXEMPLAR -> {
                MemSeries s = head.series(ref);
                if (s != null) {
                    head.exemplars().add(s.labels(), (Exemplar) r.object(i));
                }
            }
            case DecodedRecords.HISTOGRAM -> {
                MemSeries s = head.series(ref);
                if (s == null) {
                    metrics.walReplayUnknownRefs.increment();
                    return;
                }
                dispatch(s, HISTOGRAM, r.a(i), 0, r.object(i));
            }
            case DecodedRecords.START -> {
                // The start waits for its sample, a later entry of the same series (the same shard).
                MemSeries s = head.series(ref);
                if (s != null) {
                    dispatch(s, START, r.a(i), r.b(i), null);
                }
            }
            default -> throw new IllegalStateException("unknown replay entry " + r.kind(i));
        }
    }

    private void dispatch(MemSeries s, byte kind, long t, long start, Object o) {
        int k = shards.length == 1 ? 0 : shard(s.ref(), shards.length);
        Batch b = open[k];
        b.add(kind, s, t, 0, start, o);
        if (b.n == BATCH) {
            send(k);
        }
    }

    /**
     * The worker of a series: runs of 64 consecutive refs per worker. Neighbouring refs share cache
     * lines, in the ref table's time slots each append writes and in the series objects themselves
     * (created one after another); dealt out one ref at a time, two workers wrote the same lines at
     * every sample.
     */
    private static int shard(long ref, int workers) {
        return (int) ((ref >>> 6) % workers);
    }

    private void send(int k) {
        Batch b = open[k];
        if (b.n == 0) {
            return;
        }
        if (threads.isEmpty()) {
            shards[k].apply(b);
            b.clear();
            return;
        }
        Batch next = free.poll();
        open[k] = next != null ? next : new Batch();
        try {
            while (!shards[k].queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                checkFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("WAL replay interrupted", e);
        }
    }

    /**
     * Applies what is still buffered, waits for the workers and notes the replayed samples'
     * time range in the head. Always call it (it also ends the workers after a failure).
     */
    public void finish() {
        try {
            if (failure == null) {
                for (int k = 0; k < shards.length; k++) {
                    send(k);
                }
            }
        } finally {
            for (int k = 0; k < threads.size(); k++) {
                end(k);
            }
            indexing.finish();
        }
        checkFailure();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Shard s : shards) {
            lo = Math.min(lo, s.lo);
            hi = Math.max(hi, s.hi);
        }
        if (lo <= hi) {
            head.updateTimes(lo, hi);
        }
    }

    /** Tells worker {@code k} to end and waits for it. */
    private void end(int k) {
        Thread t = threads.get(k);
        try {
            while (t.isAlive() && !shards[k].queue.offer(Batch.END, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                // The worker is busy with a full queue; it takes END next.
            }
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkFailure() {
        Throwable f = failure;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    /** Samples for one shard, in log order. */
    private static final class Batch {
        static final Batch END = new Batch();

        byte[] kinds = new byte[BATCH];
        MemSeries[] series = new MemSeries[BATCH];
        long[] ts = new long[BATCH];
        double[] vs = new double[BATCH];
        long[] starts = new long[BATCH];
        Object[] objects = new Object[BATCH];
        int n;
        boolean anyObjects;

        void add(byte kind, MemSeries s, long t, double v, long start, Object o) {
            kinds[n] = kind;
            series[n] = s;
            ts[n] = t;
            vs[n] = v;
            starts[n] = start;
            if (o != null) {
                objects[n] = o;
                anyObjects = true;
            }
            n++;
        }

        void clear() {
            Arrays.fill(series, 0, n, null);
            if (anyObjects) {
                Arrays.fill(objects, 0, n, null);
                anyObjects = false;
            }
            n = 0;
        }
    }

    /** New series for the postings: their ids and label sets. */
    private static final class IndexBatch {
        static final IndexBatch END = new IndexBatch();

        final int[] ids = new int[INDEX_BATCH];
        final Labels[] labels = new Labels[INDEX_BATCH];
        int n;
    }

    /**
     * Indexes new series in batches, on a thread of its own when there are workers: filing a
     * series is then all the thread every record passes does for it (indexing was ~70% of creating
     * one), while a first scrape's series are created and the sample workers have little to do.
     */
    private final class Indexing implements java.util.function.ObjIntConsumer<Labels> {
        private final BlockingQueue<IndexBatch> queue = new ArrayBlockingQueue<>(4);
        private final BlockingQueue<IndexBatch> spare = new ArrayBlockingQueue<>(8);
        private final Thread thread;
        private IndexBatch open = new IndexBatch();

        Indexing(boolean ownThread) {
            if (ownThread) {
                thread = new Thread(this::run, "wal-replay-index");
                thread.setDaemon(true);
                thread.start();
            } else {
                thread = null;
            }
        }

        @Override
        public void accept(Labels labels, int id) {
            IndexBatch b = open;
            b.ids[b.n] = id;
            b.labels[b.n] = labels;
            if (++b.n == INDEX_BATCH) {
                send();
            }
        }

        private void send() {
            IndexBatch b = open;
            if (b.n == 0) {
                return;
            }
            if (thread == null) {
                index(b);
                return;
            }
            IndexBatch next = spare.poll();
            open = next != null ? next : new IndexBatch();
            put(b);
        }

        private void put(IndexBatch b) {
            try {
                while (!queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (!thread.isAlive()) {
                        return; // it failed: the failure ends the replay
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("WAL replay interrupted", e);
            }
        }

        private void index(IndexBatch b) {
            head.indexReplayed(b.ids, b.labels, b.n);
            Arrays.fill(b.labels, 0, b.n, null);
            b.n = 0;
        }

        private void run() {
            try {
                for (IndexBatch b = queue.take(); b != IndexBatch.END; b = queue.take()) {
                    index(b);
                    spare.offer(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        /** Indexes what is still open and waits for the thread: the postings are whole on return. */
        void finish() {
            try {
                if (failure == null) {
                    send();
                }
            } finally {
                if (thread != null) {
                    put(IndexBatch.END);
                    try {
                        thread.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /** A series and sample time (start timestamps waiting for their sample). */
    private record SampleKey(long ref, long t) {
    }

    /** One worker's series: applies their samples in log order. */
    private final class Shard {
        final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(4);
        /** Start timestamps read, waiting for their samples (later entries of the same commit). */
        final Map<SampleKey, Long> pendingStarts = new HashMap<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        /** The sum of what {@link #touch} read, kept so the reads are not optimised away. */
        int touched;

        void run() {
            try {
                while (true) {
                    Batch b = queue.take();
                    if (b == Batch.END) {
                        return;
                    }
                    if (failure == null) {
                        apply(b);
                    }
                    b.clear();
                    free.offer(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;
                // Keep taking batches so the dispatcher is never blocked on a dead worker.
                drain();
            }
        }

        private void drain() {
            try {
                while (queue.take() != Batch.END) {
                    // dropped: replay failed
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void apply(Batch b) {
            for (int from = 0; from < b.n; from += TOUCH) {
                int to = Math.min(b.n, from + TOUCH);
                touch(b, from, to);
                apply(b, from, to);
            }
        }

        /**
         * Reads each series' open chunk with plain loads before the locked appends (as
         * {@code HeadAppender} does): the series are cold, and here the CPU fetches many at once.
         */
        private void touch(Batch b, int from, int to) {
            int sum = 0;
            for (int i = from; i < to; i++) {
                sum += b.series[i].touchOpenChunk();
            }
            touched += sum;
        }

        private void apply(Batch b, int from, int to) {
            long mv = minValid;
            SeriesWrites writes = head.writes();
            long lo = this.lo;
            long hi = this.hi;
            for (int i = from; i < to; i++) {
                MemSeries s = b.series[i];
                long t = b.ts[i];
                byte kind = b.kinds[i];
                if (kind == START) {
                    pendingStarts.put(new SampleKey(s.ref(), t), b.starts[i]);
                    continue;
                }
                // Samples already persisted in a block (crash between block write and WAL checkpoint) are skipped.
                if (t < mv) {
                    continue;
                }
                int code = kind == FLOAT ? s.append(t, b.vs[i], t, mv, writes) : s.appendHistogram(t, b.objects[i], t, mv, writes);
                if (code == MemSeries.OK || code == MemSeries.OOO_OK) {
                    lo = Math.min(lo, t);
                    hi = Math.max(hi, t);
                    if (!pendingStarts.isEmpty() || s.hasStarts()) {
                        Long start = pendingStarts.isEmpty() ? null : pendingStarts.remove(new SampleKey(s.ref(), t));
                        head.recordStart(s, t, start == null ? 0 : start);
                    }
                }
            }
            this.lo = lo;
            this.hi = hi;
        }
    }
}
