package io.promethium.promql.engine.internal.eval;

import io.promethium.api.storage.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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

        /**
         * Where the series' warnings and infos go: the query's own when read on one thread, else
         * the chunk's, added to the query's in chunk order at the end (so they come out in the
         * order one thread would give).
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

        /** {@link EvalContext#checkWindow}, at once on one thread, else for the chunk's largest window at its end. */
        final void checkWindow(EvalContext ctx, long n) {
            if (!chunked) {
                ctx.checkWindow(n);
            } else if (n > window) {
                window = n;
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
        int helpers = !parallel || size < 2 ? 0
                : Math.min(ForkJoinPool.getCommonPoolParallelism(), Runtime.getRuntime().availableProcessors() - 1);
        if (helpers > 0 && size >= MIN_PARALLEL) {
            shared(0, size, CHUNK, helpers, ctx, cursors, fn);
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
                    int chunk = (int) Math.max(1, Math.min(CHUNK, CHUNK_NANOS / Math.max(1, perSeries)));
                    shared(i + 1, size, chunk, helpers, ctx, cursors, fn);
                    return;
                }
            }
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

    /** Series {@code from..size-1} in chunks of {@code chunk}, claimed by this thread and up to {@code helpers} of the common pool. */
    private static <C extends Cursor> void shared(int from, int size, int chunk, int maxHelpers, EvalContext ctx, Supplier<C> cursors,
            IndexAction<C> fn) {
        int chunks = (size - from + chunk - 1) / chunk;
        int helpers = Math.min(maxHelpers, chunks - 1);
        Annotations[] notes = new Annotations[chunks];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Runnable work = () -> {
            C cursor = cursors.get();
            cursor.chunked = true;
            for (int k = next.getAndIncrement(); k < chunks; k = next.getAndIncrement()) {
                try {
                    if (error.get() == null) {
                        int lo = from + k * chunk;
                        int hi = Math.min(size, lo + chunk);
                        cursor.chunkNotes = null;
                        for (int i = lo; i < hi; i++) {
                            fn.apply(i, cursor);
                        }
                        notes[k] = cursor.chunkNotes;
                        // Limits are checked chunk by chunk, so a selection too large fails early.
                        synchronized (ctx) {
                            account(ctx, cursor);
                        }
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int h = 0; h < helpers; h++) {
            ForkJoinPool.commonPool().execute(work);
        }
        work.run();
        // Every claimed chunk ends before the query goes on (and closes its queriers).
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
        for (Annotations a : notes) {
            if (a != null) {
                ctx.annotations.addAll(a);
            }
        }
    }

    private static void account(EvalContext ctx, Cursor c) {
        if (c.window > 0) {
            ctx.checkWindow(c.window);
            c.window = 0;
        }
        ctx.countRead(c.read);
        c.read = 0;
        if (c.slots > 0) {
            ctx.allocate(c.slots);
            ctx.addSamples(c.samples);
            c.slots = 0;
            c.samples = 0;
        }
    }
}
