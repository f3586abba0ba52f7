package io.promethium.web.internal.query;

import io.promethium.promql.engine.SeriesData;
import io.promethium.web.internal.api.PromJson;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A helper of the common pool spells the float samples of a range answer's last series while the
 * response's thread writes the first ones: spelling the numbers is most of writing a large answer
 * (half of the CPU of a fleet's CPU panel over 24 hours, 20 series × 1,440 steps, profiled), and
 * it is the query's one step left on a single core. The helper takes series from the end, the
 * response's thread from the start, each claiming a series before spelling it, so they meet in
 * the middle; the response's thread waits only for a series the helper has started, and spells
 * everything itself when the pool is busy. Only answers worth a hand-off are shared, and only up
 * to a bound, since the helper's bytes are held until written.
 */
final class SpellAhead implements Runnable {
    /** Fewer samples with a fraction than this are spelled on the response's thread alone (about 0.5 ms of spelling). */
    static final int MIN_SAMPLES = 8_192;
    /** More than this are too: the helper's spelled bytes (up to ~60 per sample) are held until written. */
    static final int MAX_SAMPLES = 1 << 20;

    /**
     * Whether the pool has a thread and a core to spare, fixed at start as the pool's parallelism
     * is (asked per answer, the JVM's count of cores is a system call, {@code sched_getaffinity}).
     */
    private static final boolean SPARE_CORE = ForkJoinPool.getCommonPoolParallelism() >= 1 && Runtime.getRuntime().availableProcessors() >= 2;

    /** Values looked at per series to tell integers from fractions. */
    private static final int PROBES = 16;

    private static final int FREE = 0;
    private static final int CLAIMED = 1;
    private static final int SPELLED = 2;

    private final List<SeriesData> series;
    private final SpelledBytes reused;
    private final AtomicIntegerArray state;
    private final PromJson.Spelled[] spelled;
    private volatile boolean abandoned;
    private volatile Thread waiting;

    /** A helper for {@code series} spelling into arrays taken from {@code reused}, not started (tests run it on their own thread). */
    SpellAhead(List<SeriesData> series, SpelledBytes reused) {
        this.series = series;
        this.reused = reused;
        this.state = new AtomicIntegerArray(series.size());
        this.spelled = new PromJson.Spelled[series.size()];
    }

    /** A helper started on {@code series}, or null when it is not worth one (or no core is spare). */
    static SpellAhead start(List<SeriesData> series, SpelledBytes reused) {
        if (series.size() < 2 || !SPARE_CORE) {
            return null;
        }
        long samples = 0;
        double decimals = 0;
        for (SeriesData s : series) {
            samples += s.length();
            decimals += s.length() * decimalShare(s);
        }
        if (decimals < MIN_SAMPLES || samples > MAX_SAMPLES) {
            return null;
        }
        SpellAhead helper = new SpellAhead(series, reused);
        ForkJoinPool.commonPool().execute(helper);
        return helper;
    }

    /**
     * The share of a series' values with a fraction, from a few spread over it: an integer (a byte
     * count, a memory size) is spelled in a tenth of a fraction's time, so an answer of integers is
     * not worth a hand-off (it made a week of 20 hosts' swap in bytes slower).
     */
    static double decimalShare(SeriesData s) {
        int n = s.length();
        int probes = Math.min(n, PROBES);
        int decimals = 0;
        for (int p = 0; p < probes; p++) {
            double v = s.values()[(int) ((long) p * n / probes)];
            if (v != Math.rint(v) && !Double.isNaN(v)) {
                decimals++;
            }
        }
        return probes == 0 ? 0 : (double) decimals / probes;
    }

    @Override
    public void run() {
        PromJson.Speller speller = new PromJson.Speller();
        for (int i = series.size() - 1; i >= 0 && !abandoned; i--) {
            SeriesData s = series.get(i);
            if (s.histograms() != null) {
                continue; // written by the response's thread, histograms and all
            }
            if (!state.compareAndSet(i, FREE, CLAIMED)) {
                return; // the response's thread has come this far
            }
            byte[] taken = reused.take();
            try {
                spelled[i] = speller.spell(s.timestamps(), s.values(), s.length(), taken);
            } finally {
                if (taken != null && (spelled[i] == null || spelled[i].bytes() != taken)) {
                    reused.give(taken); // too small for this series: a later one may fit it
                }
                // Spelled, or null when spelling failed: the response's thread then spells it itself.
                state.set(i, SPELLED);
                Thread t = waiting;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }
    }

    /**
     * Series {@code i}'s float samples as the helper spelled them, or null when the response's
     * thread is to spell them (it has now claimed them). Waits while the helper is spelling them.
     */
    PromJson.Spelled take(int i) {
        if (state.compareAndSet(i, FREE, CLAIMED)) {
            return null;
        }
        if (state.get(i) != SPELLED) {
            waiting = Thread.currentThread();
            while (state.get(i) != SPELLED) {
                LockSupport.parkNanos(this, 100_000);
            }
            waiting = null;
        }
        PromJson.Spelled s = spelled[i];
        spelled[i] = null;
        return s;
    }

    /** The response is written or failed: the helper stops at its next series. */
    void close() {
        abandoned = true;
    }
}
