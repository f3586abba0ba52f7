package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.CounterResetHint;
import io.promethium.promql.ast.AggregateExpr;
import io.promethium.promql.ast.AggregateOp;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.KahanSum;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The accumulators of a folding aggregation ({@code sum}, {@code avg}, {@code count},
 * {@code group}, {@code min}, {@code max}, {@code stddev}, {@code stdvar}): per group, arrays over
 * the steps, fed one input row at a time in the input's order, so the inner loop runs over
 * primitives and a sum is added up in the order Prometheus adds it (its last bits depend on it).
 * Groups may be added while rows arrive, for an input folded as it is computed.
 */
final class GroupFold {
    private final Evaluator ev;
    private final AggregateExpr a;
    private final AggregateOp op;
    private final int steps;
    private final boolean needsComp;
    private final boolean needsMean;
    private int groups;
    private double[][] value = new double[0][];
    // Only the accumulators the operator uses: "by (instance)" can make as many groups as series.
    private double[][] comp;
    // avg's running mean and its flags are made for a group only once its sum overflows (rare).
    private double[][] mean;
    private int[][] count = new int[0][];
    private boolean[][] incremental;
    private final double[] cc = new double[1];
    // Native histograms: summed (sum, avg) or counted (count, group) per group and step; the
    // other operators ignore them. Made at the first histogram met (most inputs have none).
    private NativeHistogram[][] hsum;
    // Kahan compensation of hsum; for avg, whether hsum became an incremental mean (the sum overflowed).
    private NativeHistogram[][] hcomp;
    private boolean[][] hmean;
    private byte[][] hresets;
    private int[][] hcount;
    private boolean[][] broken;

    GroupFold(Evaluator ev, AggregateExpr a, int steps) {
        this.ev = ev;
        this.a = a;
        this.op = a.op();
        this.steps = steps;
        this.needsComp = op == AggregateOp.SUM || op == AggregateOp.AVG;
        this.needsMean = op == AggregateOp.AVG || op == AggregateOp.STDDEV || op == AggregateOp.STDVAR;
        if (needsComp) {
            comp = new double[0][];
        }
        if (needsMean) {
            mean = new double[0][];
        }
        if (op == AggregateOp.AVG) {
            incremental = new boolean[0][];
        }
    }

    int groups() {
        return groups;
    }

    /** Makes the accumulators of groups up to {@code n}, counting their slots against the query's budget first. */
    void ensureGroups(int n) {
        if (n <= groups) {
            return;
        }
        ev.ctx.allocate((2L + (needsComp ? 1 : 0) + (needsMean ? 1 : 0)) * (n - groups) * steps);
        if (n > value.length) {
            int capacity = Math.max(n, value.length * 2);
            value = Arrays.copyOf(value, capacity);
            count = Arrays.copyOf(count, capacity);
            comp = comp == null ? null : Arrays.copyOf(comp, capacity);
            mean = mean == null ? null : Arrays.copyOf(mean, capacity);
            incremental = incremental == null ? null : Arrays.copyOf(incremental, capacity);
            if (hcount != null) {
                growHistograms(capacity);
            }
        }
        for (int g = groups; g < n; g++) {
            value[g] = new double[steps];
            count[g] = new int[steps];
            if (comp != null) {
                comp[g] = new double[steps];
            }
            if (mean != null && op != AggregateOp.AVG) {
                mean[g] = new double[steps];
            }
        }
        groups = n;
    }

    private void growHistograms(int capacity) {
        hcount = Arrays.copyOf(hcount, capacity);
        hsum = Arrays.copyOf(hsum, capacity);
        hcomp = Arrays.copyOf(hcomp, capacity);
        hmean = Arrays.copyOf(hmean, capacity);
        hresets = Arrays.copyOf(hresets, capacity);
        broken = Arrays.copyOf(broken, capacity);
    }

    /** Folds row {@code i} of {@code rows} into group {@code g} (below {@link #groups}). */
    void add(int g, Aggregations.Rows rows, int i) {
        ev.ctx.checkDeadline();
        addFloats(g, rows.values(i), rows.offset(i));
        NativeHistogram[] hists = rows.hists(i);
        if (hists != null) {
            addHistograms(g, hists, rows, i);
        }
    }

    private void addFloats(int g, double[] values, int off) {
        double[] val = value[g];
        double[] c = needsComp ? comp[g] : null;
        double[] mn = needsMean ? mean[g] : null;
        int[] cnt = count[g];
        for (int s = 0; s < steps; s++) {
            double f = values[off + s];
            if (Absent.is(f)) {
                continue;
            }
            if (cnt[s] == 0) {
                cnt[s] = 1;
                switch (op) {
                    case STDDEV, STDVAR -> {
                        val[s] = Double.isNaN(f) || Double.isInfinite(f) ? Double.NaN : 0;
                        mn[s] = f;
                    }
                    default -> val[s] = f;
                }
                if (c != null) {
                    c[s] = 0;
                }
                continue;
            }
            switch (op) {
                case SUM -> {
                    cc[0] = c[s];
                    val[s] = KahanSum.inc(f, val[s], cc);
                    c[s] = cc[0];
                    cnt[s]++;
                }
                case AVG -> {
                    cnt[s]++;
                    if (incremental[g] == null || !incremental[g][s]) {
                        cc[0] = c[s];
                        double newV = KahanSum.inc(f, val[s], cc);
                        if (!Double.isInfinite(newV)) {
                            val[s] = newV;
                            c[s] = cc[0];
                            break;
                        }
                        if (incremental[g] == null) {
                            incremental[g] = new boolean[steps];
                            mean[g] = new double[steps];
                        }
                        mn = mean[g];
                        incremental[g][s] = true;
                        mn[s] = val[s] / (cnt[s] - 1);
                        c[s] = c[s] / (cnt[s] - 1);
                    }
                    double q = (cnt[s] - 1) / (double) cnt[s];
                    cc[0] = q * c[s];
                    mn[s] = KahanSum.inc(f / cnt[s], q * mn[s], cc);
                    c[s] = cc[0];
                }
                case COUNT, GROUP -> cnt[s]++;
                case MIN -> {
                    if (val[s] > f || Double.isNaN(val[s])) {
                        val[s] = f;
                    }
                    cnt[s]++;
                }
                case MAX -> {
                    if (val[s] < f || Double.isNaN(val[s])) {
                        val[s] = f;
                    }
                    cnt[s]++;
                }
                case STDDEV, STDVAR -> {
                    if (Double.isNaN(f) || Double.isInfinite(f)) {
                        val[s] = Double.NaN;
                    } else {
                        cnt[s]++;
                        double delta = f - mn[s];
                        mn[s] += delta / cnt[s];
                        val[s] += delta * (f - mn[s]);
                    }
                }
                default -> throw new IllegalStateException(op.toString());
            }
        }
    }

    private void addHistograms(int g, NativeHistogram[] inHists, Aggregations.Rows rows, int i) {
        for (int s = 0; s < steps; s++) {
            NativeHistogram h = inHists[s];
            if (h == null) {
                continue;
            }
            if (hcount == null) {
                hcount = new int[0][];
                hsum = new NativeHistogram[0][];
                hcomp = new NativeHistogram[0][];
                hmean = new boolean[0][];
                hresets = new byte[0][];
                broken = new boolean[0][];
                growHistograms(value.length);
            }
            if (hcount[g] == null) {
                hcount[g] = new int[steps];
                hsum[g] = new NativeHistogram[steps];
                hcomp[g] = new NativeHistogram[steps];
                hmean[g] = new boolean[steps];
                hresets[g] = new byte[steps];
                broken[g] = new boolean[steps];
            }
            hcount[g][s]++;
            if (op == AggregateOp.SUM || op == AggregateOp.AVG) {
                // A sum of samples of which some follow a counter reset and some do not.
                int bits = hresets[g][s] | h.resetBits();
                if (bits == 3 && hresets[g][s] != 3) {
                    ev.ctx.annotations.warn("conflicting counter resets during histogram aggregation", a.expr().position());
                }
                hresets[g][s] = (byte) bits;
                if (hsum[g][s] == null) {
                    hsum[g][s] = h.copy();
                    hcomp[g][s] = NativeHistogram.compensationFor(h);
                } else if (!broken[g][s]) {
                    try {
                        if (hsum[g][s].customBoundsDiffer(h)) {
                            ev.ctx.annotations.info("mismatched custom buckets were reconciled during aggregation", a.expr().position());
                        }
                        if (op == AggregateOp.SUM) {
                            hsum[g][s].kahanAdd(h, hcomp[g][s]);
                        } else {
                            hmean[g][s] = HistogramMeans.add(hsum[g], hcomp[g], s, h, hcount[g][s], hmean[g][s]);
                        }
                    } catch (NativeHistogram.IncompatibleException e) {
                        broken[g][s] = true;
                        ev.ctx.annotations.warn("vector contains a mix of histograms with exponential and custom buckets schemas for metric name "
                                + GoFormat.quote(rows.labels(i).metricName()), a.expr().position());
                    }
                }
            } else if (op != AggregateOp.COUNT && op != AggregateOp.GROUP) {
                ev.ctx.annotations.info("ignored histogram in " + a.op().keyword() + " aggregation", a.position());
            }
        }
    }

    /**
     * The groups' results, group {@code g} labelled {@code groupLabels[g]}; a group with no value
     * at any step is left out. Called once: each result is written over its group's accumulator
     * (step {@code s} reads only step {@code s}), not into a row of its own.
     */
    StepVector finish(io.promethium.api.model.Labels[] groupLabels) {
        List<StepSeries> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            double[] result = value[g];
            boolean any = false;
            StepSeries hout = null;
            for (int s = 0; s < steps; s++) {
                double cnt = count[g][s];
                int hc = hcount != null && hcount[g] != null ? hcount[g][s] : 0;
                if (hc > 0 && (op == AggregateOp.COUNT || op == AggregateOp.GROUP)) {
                    result[s] = op == AggregateOp.GROUP ? 1 : cnt + hc;
                    any = true;
                    continue;
                }
                if (hc > 0 && (op == AggregateOp.SUM || op == AggregateOp.AVG)) {
                    result[s] = Absent.VALUE;
                    if (cnt > 0) {
                        ev.ctx.annotations.warn("encountered a mix of histograms and floats for aggregation", a.expr().position());
                        continue;
                    }
                    if (broken[g][s]) {
                        continue;
                    }
                    NativeHistogram h = hsum[g][s].withCompensation(hcomp[g][s]);
                    if (op == AggregateOp.AVG && !hmean[g][s]) {
                        h.div(hc);
                    }
                    h.hint = h.hint == CounterResetHint.GAUGE ? h.hint : CounterResetHint.UNKNOWN;
                    if (hout == null) {
                        hout = new StepSeries(groupLabels[g], result, false);
                    }
                    hout.setHist(s, h);
                    any = true;
                    continue;
                }
                if (cnt == 0) {
                    result[s] = Absent.VALUE;
                    continue;
                }
                any = true;
                result[s] = switch (op) {
                    case SUM -> Double.isInfinite(value[g][s]) ? value[g][s] : value[g][s] + comp[g][s];
                    case AVG -> incremental[g] != null && incremental[g][s] ? mean[g][s] + comp[g][s] : value[g][s] / cnt + comp[g][s] / cnt;
                    case COUNT -> cnt;
                    case GROUP -> 1;
                    case MIN, MAX -> value[g][s];
                    case STDVAR -> value[g][s] / cnt;
                    case STDDEV -> Math.sqrt(value[g][s] / cnt);
                    default -> throw new IllegalStateException(op.toString());
                };
            }
            if (any) {
                out.add(hout != null ? hout : new StepSeries(groupLabels[g], result, false));
            }
        }
        return new StepVector(out);
    }
}
