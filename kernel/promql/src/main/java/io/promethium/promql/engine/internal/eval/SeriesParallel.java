package io.promethium.promql.engine.internal.eval;

import io.promethium.api.storage.Series;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns selected series into step rows, on several cores when there is much to read. Series are
 * independent: a selection of {@link #MIN_PARALLEL} series or more is cut into chunks of
 * {@link #CHUNK}; a smaller one is read on the query's thread until the series read so far say the
 * rest would take more than {@link #SHARE_NANOS} (looked at after the first series and then every
 * {@link #CHECK_EVERY}; a few hundred series over a week of samples
 * each), and the rest is then cut into chunks of about {@link #CHUNK_NANOS} of work. The query's
 * thread and helpers of the common pool claim chunks in turn; results keep the selection's order.
 * The query's thread claims chunks too, so a busy pool only means less help, never waiting for a
 * helper that has not started. What the series annotate is collected per chunk and added in chunk
 * order, so warnings come out as one thread gives them; limits are checked per chunk.
 */
final class SeriesParallel {
    static final int CHUNK = 2_048;
    static final int MIN_PARALLEL = 4 * CHUNK;
    /** Estimated time left above which the rest of a smaller selection is shared with helpers. */
    static final long SHARE_NANOS = 2_000_000;
    /** About how much work one chunk of a shared smaller selection holds. */
    static final long CHUNK_NANOS = 250_000;
    /** How many series a smaller selection reads between two looks at the clock, once past its first series (a power of two). */
    static final int CHECK_EVERY = 64;

    private SeriesParallel() {
    }

    /**
     * At most this many step values are held per chunk of rows handed on in order
     * ({@link #inOrder}): a chunk of a query of many steps holds fewer series.
     */
    static final int HELD_SLOTS = 1 << 20;

    /** One thread's reused state, and what its series read and hold (accounted into the query's limits). */
    abstract static class Cursor {
        long read;
        long slots;
        long samples;
        private int checks;
        /** Read chunk by chunk on several threads: annotations and window checks wait for the chunk's end. */
        boolean chunked;
        Annotations chunkNotes;
        long window;
        /** Rows read and not yet handed on ({@link #inOrder}). */
        List<StepSeries> held = new ArrayList<>();
        /** Set by {@link #inOrder}: its rows go on before the next is made while not chunked. */
        boolean handsOnEachRow;
        /** Rows already handed on, to be refilled: set on a shared chunk's reader by {@link #inOrder}. */
        RowPool rowPool;

        /**
         * Whether the row being made goes to the sink before the cursor makes another, so it may
         * be the cursor's own scratch array rather than a copy: {@link #inOrder} on the query's
         * thread, before any chunk is shared (a chunk's rows are held until its turn).
         */
        final boolean lendsRow() {
            return handsOnEachRow && !chunked;
        }

        /**
         * The row to hand on for the first {@code steps} values of the cursor's {@code scratch}:
         * the scratch itself when {@link #lendsRow}, else a copy, in an array of a row already
         * handed on when there is one.
         */
        final double[] rowOf(double[] scratch, int steps) {
            if (lendsRow()) {
                return scratch;
            }
            double[] row = rowPool == null ? null : rowPool.take(steps);
            if (row == null) {
                return Arrays.copyOf(scratch, steps);
            }
            System.arraycopy(scratch, 0, row, 0, steps);
            return row;
        }

        /**
         * Where the series' warnings and infos go: the query's own when read on one thread, else
         * the chunk's, added to the query's in chunk order (so they come out in the order one
         * thread would give).
         */
        final Annotations notes(EvalContext ctx) {
            if (!chunked) {
                return ctx.annotations;
            }
            if (chunkNotes == null) {
                chunkNotes = ctx.annotations.fresh();
            }
            return chunkNotes;
        }

        /**
         * {@link EvalContext#checkWindow}, at once on one thread, else at the chunk's end for its
         * largest window with the chunk's samples held before it: as one thread would check it,
         * the chunks being accounted in order.
         */
        final void checkWindow(EvalContext ctx, long n) {
            if (!chunked) {
                ctx.checkWindow(n);
            } else if (samples + n > window) {
                window = samples + n;
            }
        }

        /**
         * Checks the query's deadline every 256 calls, counted per thread: the context's own
         * counter, bumped by every helper, would bounce one cache line between the cores per series.
         */
        final void checkDeadline(EvalContext ctx) {
            if ((++checks & 0xff) == 0) {
                ctx.checkDeadlineNow();
            }
        }
    }

    /** One series to its step row, {@code null} when it has nothing to show. */
    interface SeriesFunction<C extends Cursor> {
        StepSeries apply(Series series, C cursor);
    }

    /** The {@code i}th series of the input to its step row, {@code null} when it has nothing to show. */
    interface IndexFunction<C extends Cursor> {
        StepSeries apply(int i, C cursor);
    }

    /** One series of the input, by index, with its result kept by the caller (for example, folded into a flat array). */
    interface IndexAction<C extends Cursor> {
        void apply(int i, C cursor);
    }

    /**
     * Series {@code 0..size-1} to step rows of {@code steps} values, handed to {@code sink} in the
     * input's order and held no longer, on several cores when there are many. On the query's
     * thread each row goes on as it is made ({@link Cursor#lendsRow}: {@code fn} may hand its
     * scratch row, which the sink must not keep); a shared chunk's rows go on a chunk at a time.
     * Annotations and limits are counted as each chunk is handed on; the rows' slots count as if
     * they were held, so that the query answers (or is refused) as it would over rows kept.
     */
    static <C extends Cursor> void inOrder(int size, int steps, EvalContext ctx, Supplier<C> cursors, IndexFunction<C> fn,
            Consumer<List<StepSeries>> sink) {
        int chunk = (int) Math.max(1, Math.min(CHUNK, HELD_SLOTS / Math.max(1, steps)));
        Supplier<C> lending = () -> {
            C c = cursors.get();
            c.handsOnEachRow = true;
            return c;
        };
        forEach(size, true, chunk, ctx, lending, (i, cursor) -> {
            StepSeries row = fn.apply(i, cursor);
            if (row != null) {
                cursor.held.add(row);
            }
            if (!cursor.chunked) {
                handOn(cursor, sink);
            }
        }, sink);
    }

    private static void handOn(Cursor cursor, Consumer<List<StepSeries>> sink) {
        if (!cursor.held.isEmpty()) {
            sink.accept(cursor.held);
            cursor.held.clear();
        }
    }

    static <C extends Cursor> List<StepSeries> map(List<Series> all, EvalContext ctx, Supplier<C> cursors, SeriesFunction<C> fn) {
        return map(all.size(), true, ctx, cursors, (i, cursor) -> fn.apply(all.get(i), cursor));
    }

    /** Series {@code 0..size-1} to step rows, on several cores when there are many and {@code parallel} allows. */
    static <C extends Cursor> List<StepSeries> map(int size, boolean parallel, EvalContext ctx, Supplier<C> cursors, IndexFunction<C> fn) {
        StepSeries[] rows = new StepSeries[size];
        forEach(size, parallel, ctx, cursors, (i, cursor) -> rows[i] = fn.apply(i, cursor));
        List<StepSeries> out = new ArrayList<>(size);
        for (StepSeries r : rows) {
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Runs {@code fn} for series {@code 0..size-1}, on several cores when there are many and
     * {@code parallel} allows; what the series annotate comes out in index order, and every
     * claimed chunk has ended when this returns.
     */
    static <C extends Cursor> void forEach(int size, boolean parallel, EvalContext ctx, Supplier<C> cursors, IndexAction<C> fn) {
        forEach(size, parallel, CHUNK, ctx, cursors, fn, null);
    }

    /**
     * {@link #forEach(int, boolean, EvalContext, Supplier, IndexAction)} in chunks of at most
     * {@code maxChunk} series; with a {@code sink}, the rows {@code fn} leaves in a cursor's
     * {@link Cursor#held} go there in the input's order.
     */
    private static <C extends Cursor> void forEach(int size, boolean parallel, int maxChunk, EvalContext ctx, Supplier<C> cursors,
            IndexAction<C> fn, Consumer<List<StepSeries>> sink) {
        int helpers = !parallel || size < 2 ? 0 : helpers();
        if (helpers > 0 && size >= MIN_PARALLEL) {
            shared(0, size, maxChunk, helpers, ctx, cursors, fn, sink);
            return;
        }
        C cursor = cursors.get();
        long started = System.nanoTime();
        for (int i = 0; i < size; i++) {
            fn.apply(i, cursor);
            account(ctx, cursor);
            if (helpers > 0 && i + 2 < size && timeToCheck(i)) {
                long spent = System.nanoTime() - started;
                long perSeries = spent / (i + 1);
                if (perSeries * (size - i - 1) > SHARE_NANOS) {
                    int chunk = (int) Math.max(1, Math.min(maxChunk, CHUNK_NANOS / Math.max(1, perSeries)));
                    if (sink != null) {
                        handOn(cursor, sink);
                    }
                    shared(i + 1, size, chunk, helpers, ctx, cursors, fn, sink);
                    return;
                }
            }
        }
        if (sink != null) {
            handOn(cursor, sink);
        }
    }

    /**
     * How many helpers of the common pool a query may use beside its own thread: fixed at start, as
     * the pool's parallelism is. Asked per query, the JVM's count of cores is a system call
     * ({@code sched_getaffinity}) each time, a few µs of every small query's request.
     */
    private static final int HELPERS = Math.max(0, Math.min(ForkJoinPool.getCommonPoolParallelism(),
            Runtime.getRuntime().availableProcessors() - 1));

    /** How many helpers of the common pool a query may use beside its own thread. */
    static int helpers() {
        return HELPERS;
    }

    /**
     * Runs parts {@code 0..parts-1} of one series' work, each claimed once by the query's thread or
     * a helper of the common pool, whichever comes first: when the helpers are busy or the work is
     * short, the query's thread runs them all and a late helper finds none left. The query's
     * thread reads its parts through {@code own}, each helper through one cursor of its own;
     * returns every cursor used ({@code own} first) when every part has ended, rethrowing the
     * first failure.
     */
    static <C extends Cursor> List<C> parts(int parts, EvalContext ctx, C own, Supplier<C> cursors, IndexAction<C> part) {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(parts);
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<C> used = Collections.synchronizedList(new ArrayList<>(List.of(own)));
        Consumer<C> work = first -> {
            C cursor = first;
            for (int k = next.getAndIncrement(); k < parts; k = next.getAndIncrement()) {
                try {
                    if (error.get() == null) {
                        if (cursor == null) {
                            cursor = cursors.get();
                            used.add(cursor);
                        }
                        part.apply(k, cursor);
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int h = Math.min(helpers(), parts - 1); h > 0; h--) {
            ForkJoinPool.commonPool().execute(() -> work.accept(null));
        }
        work.accept(own);
        awaitAll(done, error, ctx);
        return used;
    }

    /**
     * Waits for every part or chunk to end (each reads through the query's queriers, which close
     * after it), then rethrows the first failure, else answers an interrupt as the deadline check does.
     */
    private static void awaitAll(CountDownLatch done, AtomicReference<Throwable> error, EvalContext ctx) {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = error.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (interrupted) {
            ctx.checkDeadlineNow();
        }
    }

    /**
     * Whether to read the clock after series {@code i}: after series 0, 1, 3, 7, 15, 31, then every
     * {@value #CHECK_EVERY}. The clock costs tens of nanoseconds, as much as a short series' read;
     * the first checks come early so that a few slow series (a week each) are still shared soon.
     */
    static boolean timeToCheck(int i) {
        int n = i + 1;
        return (n & (n - 1)) == 0 || (n & (CHECK_EVERY - 1)) == 0;
    }

    /**
     * Series {@code from..size-1} in chunks of {@code chunk}, claimed by this thread and up to
     * {@code helpers} of the common pool; each chunk's tally (and rows, with a {@code sink}) is
     * accounted in chunk order ({@link Sequence}).
     */
    private static <C extends Cursor> void shared(int from, int size, int chunk, int maxHelpers, EvalContext ctx, Supplier<C> cursors,
            IndexAction<C> fn, Consumer<List<StepSeries>> sink) {
        int chunks = (size - from + chunk - 1) / chunk;
        int helpers = Math.min(maxHelpers, chunks - 1);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> error = new AtomicReference<>();
        RowPool pool = sink == null ? null : new RowPool();
        Sequence sequence = new Sequence(ctx, chunks, 4 * (helpers + 1), sink, pool, error);
        Runnable work = () -> {
            C cursor = cursors.get();
            cursor.chunked = true;
            cursor.rowPool = pool;
            for (int k = next.getAndIncrement(); k < chunks; k = next.getAndIncrement()) {
                try {
                    if (error.get() == null && sequence.awaitRoom(k)) {
                        int lo = from + k * chunk;
                        int hi = Math.min(size, lo + chunk);
                        cursor.chunkNotes = null;
                        for (int i = lo; i < hi; i++) {
                            fn.apply(i, cursor);
                        }
                        sequence.done(k, Tally.take(cursor));
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                    sequence.wake();
                } finally {
                    done.countDown();
                }
            }
        };
        for (int h = 0; h < helpers; h++) {
            ForkJoinPool.commonPool().execute(work);
        }
        work.run();
        awaitAll(done, error, ctx);
    }

    /** What one chunk read and holds, taken from its reader's cursor at the chunk's end. */
    private record Tally(long read, long slots, long samples, long window, Annotations notes, List<StepSeries> rows) {
        static Tally take(Cursor c) {
            Tally t = new Tally(c.read, c.slots, c.samples, c.window, c.chunkNotes, c.held.isEmpty() ? List.of() : c.held);
            c.read = 0;
            c.slots = 0;
            c.samples = 0;
            c.window = 0;
            c.chunkNotes = null;
            if (!c.held.isEmpty()) {
                c.held = new ArrayList<>();
            }
            return t;
        }
    }

    /**
     * Accounts chunks in chunk order, whichever reader ends first: the query's limits, peak and
     * annotations come out as one thread reading the series in order gives them, and rows go to
     * the sink in the input's order. A chunk that ends before those ahead of it waits here as a
     * tally; a reader that would run more than {@code ahead} chunks ahead of the oldest unaccounted
     * one waits before reading (the oldest is always being read by a running reader, chunks being
     * claimed in order, so that wait ends), which bounds the rows held.
     */
    private static final class Sequence {
        private final EvalContext ctx;
        private final Tally[] pending;
        private final int ahead;
        private final Consumer<List<StepSeries>> sink;
        private final RowPool pool;
        private final AtomicReference<Throwable> error;
        private int next;

        Sequence(EvalContext ctx, int chunks, int ahead, Consumer<List<StepSeries>> sink, RowPool pool, AtomicReference<Throwable> error) {
            this.ctx = ctx;
            this.pending = new Tally[chunks];
            this.ahead = ahead;
            this.sink = sink;
            this.pool = pool;
            this.error = error;
        }

        /** Waits until chunk {@code k} is few enough chunks ahead; false when a reader failed meanwhile. */
        synchronized boolean awaitRoom(int k) {
            while (k - next > ahead) {
                if (error.get() != null) {
                    return false;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ctx.checkDeadlineNow();
                }
            }
            return error.get() == null;
        }

        /** Chunk {@code k} has ended: accounts it and every chunk after it that waited, in order. */
        synchronized void done(int k, Tally tally) {
            pending[k] = tally;
            try {
                while (next < pending.length && pending[next] != null && error.get() == null) {
                    Tally t = pending[next];
                    pending[next] = null;
                    next++;
                    account(ctx, t.window, t.read, t.slots, t.samples);
                    if (t.notes != null) {
                        ctx.annotations.addAll(t.notes);
                    }
                    if (sink != null && !t.rows.isEmpty()) {
                        sink.accept(t.rows);
                        pool.give(t.rows);
                    }
                }
            } finally {
                notifyAll();
            }
        }

        synchronized void wake() {
            notifyAll();
        }
    }

    /**
     * The arrays of a shared chunk's rows once the sink has them (it keeps neither rows nor
     * values, {@link #inOrder}), refilled by the chunks read after: a fleet's day of CPU folded
     * by host otherwise took a fresh row per series (40 × 1,441 steps, 0.48 MB a request), while
     * only the chunks ahead of the sink hold rows at once.
     */
    static final class RowPool {
        private final ArrayDeque<double[]> free = new ArrayDeque<>();

        /** A free array of {@code length} values, or null. */
        synchronized double[] take(int length) {
            double[] row = free.poll();
            return row != null && row.length == length ? row : null;
        }

        synchronized void give(List<StepSeries> rows) {
            for (StepSeries r : rows) {
                free.push(r.values);
            }
        }
    }

    /** Accounts what one series read and holds, and clears it from the cursor (no tally: this runs per series). */
    static void account(EvalContext ctx, Cursor c) {
        account(ctx, c.window, c.read, c.slots, c.samples);
        c.window = 0;
        c.read = 0;
        c.slots = 0;
        c.samples = 0;
    }

    /** Into the query's limits: the window checked first, then the samples read, then the slots and samples held. */
    private static void account(EvalContext ctx, long window, long read, long slots, long samples) {
        if (window > 0) {
            ctx.checkWindow(window);
        }
        ctx.countRead(read);
        if (slots > 0) {
            ctx.allocate(slots);
            ctx.addSamples(samples);
        }
    }
}
