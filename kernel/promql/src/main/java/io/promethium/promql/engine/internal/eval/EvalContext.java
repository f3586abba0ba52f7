package io.promethium.promql.engine.internal.eval;

import io.promethium.api.storage.Querier;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import io.promethium.api.storage.Queryable;
import io.promethium.promql.engine.QueryException;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Everything one query evaluation shares: the storage, limits, annotations and the queriers to
 * close at the end. Not thread-safe: one query runs on one thread.
 */
final class EvalContext implements AutoCloseable {
    final Queryable storage;
    final long lookbackMillis;
    final long maxSamples;
    final long deadlineNanos;
    final long queryStart;
    final long queryEnd;
    /** The range query's step (ms), 0 for an instant query. */
    final long queryStep;
    final Annotations annotations;
    /** Prometheus's type-and-unit-labels: __type__ and __unit__ are dropped with the metric name. */
    final boolean typeAndUnitLabels;
    /** Prometheus's use-start-timestamps: range functions read the samples' start timestamps. */
    final boolean useStartTimestamps;
    /** How coarse a downsampled resolution selects may read ({@code SelectHints.maxSourceResolution}). */
    final long maxSourceResolution;
    /** The coarsest resolution a select answered from (0: raw only), for the query's stats. */
    private long resolutionUsed;
    private final List<Querier> queriers = new ArrayList<>();
    /**
     * The query's tracer: {@link Tracer#NONE} when tracing was off as the query began, so a node
     * or select pays no volatile read and allocates nothing for it.
     */
    final Tracer tracer;
    private long currentSamples;
    private long peakSamples;
    private long totalSamples;
    private int checkCounter;
    private long allocatedSlots;
    private final long slotBudget;

    /** A third of the heap in 8-byte slots; the heap's limit is fixed for the JVM's life (read once, not per query). */
    private static final long HEAP_SLOTS = Runtime.getRuntime().maxMemory() / 8 / 3;

    EvalContext(Queryable storage, long lookbackMillis, long maxSamples, long deadlineNanos, long queryStart, long queryEnd,
            long queryStep, Annotations annotations, boolean typeAndUnitLabels, boolean useStartTimestamps, long maxSourceResolution,
            Tracer tracer) {
        this.tracer = requireNonNull(tracer, "tracer is null");
        this.maxSourceResolution = maxSourceResolution;
        this.typeAndUnitLabels = typeAndUnitLabels;
        this.useStartTimestamps = useStartTimestamps;
        this.storage = requireNonNull(storage, "storage is null");
        this.lookbackMillis = lookbackMillis;
        this.maxSamples = maxSamples;
        this.deadlineNanos = deadlineNanos;
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.queryStep = queryStep;
        this.annotations = requireNonNull(annotations, "annotations is null");
        this.slotBudget = Math.min(Math.max(maxSamples, 1) * 4, HEAP_SLOTS);
    }

    /** Notes the resolution a series set read from, once read to its end. */
    void noteResolution(long resolution) {
        resolutionUsed = Math.max(resolutionUsed, resolution);
    }

    long resolutionUsed() {
        return resolutionUsed;
    }

    Querier querier(long minTime, long maxTime) {
        Querier q;
        // Prometheus's "Querier" span, with the time range it opens.
        try (TraceSpan span = tracer.start("Querier")) {
            if (tracer != Tracer.NONE) {
                span.attribute("mint", minTime).attribute("maxt", maxTime);
            }
            try {
                q = storage.querier(minTime, maxTime);
            } catch (RuntimeException e) {
                span.error(e.getMessage() == null ? e.toString() : e.getMessage());
                throw new QueryException(QueryException.INTERNAL, "error querying storage: " + e.getMessage(), e);
            }
        }
        queriers.add(q);
        return q;
    }

    /**
     * Throws the timeout error once the deadline has passed, or the canceled error when the
     * query's thread was interrupted; cheap enough for inner loops (looks every 256 calls).
     */
    void checkDeadline() {
        if ((++checkCounter & 0xff) == 0) {
            checkDeadlineNow();
        }
    }

    void checkDeadlineNow() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new QueryException(QueryException.TIMEOUT, "query timed out in expression evaluation");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new QueryException(QueryException.CANCELED, "query was canceled in query execution");
        }
    }

    /** Accounts samples now held in memory; fails the query past the limit, before anything big is allocated. */
    void addSamples(long n) {
        currentSamples += n;
        if (currentSamples > peakSamples) {
            peakSamples = currentSamples;
        }
        if (currentSamples > maxSamples) {
            throw new QueryException(QueryException.EXECUTION, "query processing would load too many samples into memory in query execution");
        }
    }

    /**
     * Accounts {@code slots} step values about to be allocated. Sparse series cost a slot per
     * step even where they have no sample, which the sample count does not see; this bound
     * (a multiple of the sample limit, capped by the heap) turns what would be an out-of-memory
     * into the same error as too many samples.
     */
    void allocate(long slots) {
        allocatedSlots += slots;
        if (allocatedSlots > slotBudget) {
            throw new QueryException(QueryException.EXECUTION, "query processing would load too many samples into memory in query execution");
        }
    }

    /** Checks that a window of {@code n} samples fits beside what is held (Prometheus counts windows too). */
    void checkWindow(long n) {
        if (currentSamples + n > maxSamples) {
            throw new QueryException(QueryException.EXECUTION, "query processing would load too many samples into memory in query execution");
        }
        if (currentSamples + n > peakSamples) {
            peakSamples = currentSamples + n;
        }
    }

    void releaseSamples(long n) {
        currentSamples -= n;
    }

    void countRead(long n) {
        totalSamples += n;
    }

    long peakSamples() {
        return peakSamples;
    }

    long totalSamples() {
        return totalSamples;
    }

    @Override
    public void close() {
        for (Querier q : queriers) {
            try {
                q.close();
            } catch (RuntimeException e) {
                // Closing is best effort: the query's answer is already complete.
            }
        }
        queriers.clear();
    }
}
