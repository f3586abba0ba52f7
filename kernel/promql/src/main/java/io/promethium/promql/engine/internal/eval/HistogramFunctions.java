package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.promql.ast.Call;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.eval.Values.StringLit;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.BucketQuantile;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The histogram functions: {@code histogram_quantile}, {@code histogram_quantiles} and
 * {@code histogram_fraction} over classic ({@code le} buckets, grouped per step) and native
 * histograms, and {@code histogram_count}, {@code histogram_sum}, {@code histogram_avg},
 * {@code histogram_stddev}, {@code histogram_stdvar}. Kept apart from the other instant-vector
 * functions in {@link FunctionCalls}, which dispatches here.
 */
final class HistogramFunctions {
    private final Evaluator ev;

    HistogramFunctions(Evaluator ev) {
        this.ev = ev;
    }

    /** What to compute from one group's buckets at one step. */
    private enum BucketOp {
        QUANTILE, QUANTILES, FRACTION
    }

    StepVector histogramQuantile(Call call, StepGrid grid) {
        double[] q = ev.evalScalar(call.args().get(0), grid);
        return bucketFunction(call, grid, BucketOp.QUANTILE, call.args().get(1), List.of(q), null, null, null);
    }

    StepVector histogramQuantiles(Call call, StepGrid grid) {
        Expr vectorArg = call.args().get(0);
        String label = ((StringLit) ev.eval(call.args().get(1), grid)).value();
        List<double[]> qs = new ArrayList<>();
        for (int i = 2; i < call.args().size(); i++) {
            qs.add(ev.evalScalar(call.args().get(i), grid));
        }
        return bucketFunction(call, grid, BucketOp.QUANTILES, vectorArg, qs, label, null, null);
    }

    StepVector histogramFraction(Call call, StepGrid grid) {
        double[] lower = ev.evalScalar(call.args().get(0), grid);
        double[] upper = ev.evalScalar(call.args().get(1), grid);
        return bucketFunction(call, grid, BucketOp.FRACTION, call.args().get(2), List.of(), null, lower, upper);
    }

    /**
     * histogram_quantile(s) and histogram_fraction over classic buckets: series grouped by their
     * labels without {@code le} and the name, each group's buckets evaluated per step.
     */
    private StepVector bucketFunction(Call call, StepGrid grid, BucketOp op, Expr vectorArg, List<double[]> qs, String label,
            double[] lower, double[] upper) {
        StepVector v = ev.evalVector(vectorArg, grid);
        int steps = grid.steps();
        Map<Labels, List<Integer>> groups = new LinkedHashMap<>();
        double[] bounds = new double[v.series().size()];
        List<StepSeries> nativeOut = new ArrayList<>();
        Map<Labels, boolean[]> mixedSteps = new HashMap<>();
        for (int i = 0; i < v.series().size(); i++) {
            StepSeries s = v.series().get(i);
            if (s.hists != null) {
                nativeBuckets(s, op, qs, label, lower, upper, steps, nativeOut, vectorArg);
                boolean anyFloat = false;
                for (int k = 0; k < steps && !anyFloat; k++) {
                    anyFloat = !Absent.is(s.values[k]);
                }
                if (!anyFloat) {
                    continue;
                }
            }
            String le = s.labels.get("le");
            double bound;
            try {
                bound = parseGoFloat(le);
            } catch (NumberFormatException e) {
                ev.ctx.annotations.warn("bucket label \"le\" is missing or has a malformed value of " + GoFormat.quote(le)
                        + " for metric name " + GoFormat.quote(s.labels.metricName()), vectorArg.position());
                continue;
            }
            bounds[i] = bound;
            // The name stays in the key (dropped at the end): buckets of different metrics are
            // never mixed, and would collide in the result as in Prometheus.
            Labels key = s.labels.without("le");
            if (op == BucketOp.QUANTILES && key.has(label)) {
                throw new QueryException(QueryException.EXECUTION, "label " + GoFormat.quote(label)
                        + " already exists in the input series of histogram_quantiles");
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        boolean[] warnedQ = new boolean[qs.size()];
        for (int o = 0; o < qs.size(); o++) {
            for (double q : qs.get(o)) {
                if (Double.isNaN(q) || q < 0 || q > 1) {
                    Expr qArg = op == BucketOp.QUANTILE ? call.args().get(0) : call.args().get(2 + o);
                    ev.ctx.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.number(q), qArg.position());
                    warnedQ[o] = true;
                    break;
                }
            }
        }
        List<StepSeries> out = nativeOut;
        if (!nativeOut.isEmpty() && !groups.isEmpty()) {
            // A classic histogram and a native one of the same name and labels: no result where both
            // have samples, with Prometheus's warning.
            for (StepSeries n : nativeOut) {
                Labels key = op == BucketOp.QUANTILES ? n.labels.without(label) : n.labels;
                List<Integer> members = groups.get(key);
                if (members == null) {
                    continue;
                }
                for (int k = 0; k < steps; k++) {
                    if (Absent.is(n.values[k])) {
                        continue;
                    }
                    for (int i : members) {
                        if (v.series().get(i).has(k)) {
                            n.values[k] = Absent.VALUE;
                            mixedSteps.computeIfAbsent(key, x -> new boolean[steps])[k] = true;
                            ev.ctx.annotations.warn("vector contains a mix of classic and native histograms for metric name "
                                    + GoFormat.quote(key.metricName()), vectorArg.position());
                            break;
                        }
                    }
                }
            }
            out.removeIf(n -> n.presentCount() == 0);
        }
        BucketQuantile bq = new BucketQuantile();
        int outputs = op == BucketOp.QUANTILES ? qs.size() : 1;
        for (Map.Entry<Labels, List<Integer>> g : groups.entrySet()) {
            double[][] result = new double[outputs][steps];
            boolean[] any = new boolean[outputs];
            boolean[] mixed = mixedSteps.get(g.getKey());
            for (int s = 0; s < steps; s++) {
                if (mixed != null && mixed[s]) {
                    for (int o = 0; o < outputs; o++) {
                        result[o][s] = Absent.VALUE;
                    }
                    continue;
                }
                String metric = null;
                int buckets = 0;
                for (int i : g.getValue()) {
                    if (v.series().get(i).has(s)) {
                        buckets++;
                        metric = v.series().get(i).labels.metricName();
                    }
                }
                for (int o = 0; o < outputs; o++) {
                    if (buckets == 0) {
                        result[o][s] = Absent.VALUE;
                        continue;
                    }
                    bq.reset();
                    for (int i : g.getValue()) {
                        StepSeries series = v.series().get(i);
                        if (series.has(s)) {
                            bq.add(bounds[i], series.values[s]);
                        }
                    }
                    if (op == BucketOp.FRACTION) {
                        result[o][s] = bq.fraction(lower[s], upper[s]);
                    } else {
                        double q = qs.get(o)[s];
                        if (!warnedQ[o] && (Double.isNaN(q) || q < 0 || q > 1)) {
                            Expr qArg = op == BucketOp.QUANTILE ? call.args().get(0) : call.args().get(2 + o);
                            ev.ctx.annotations.warn("quantile value should be between 0 and 1, got " + GoFormat.number(q), qArg.position());
                            warnedQ[o] = true;
                        }
                        result[o][s] = bq.quantile(q);
                        if ((bq.flags() & BucketQuantile.FORCED_MONOTONIC) != 0) {
                            ev.ctx.annotations.info("input to histogram_quantile needed to be fixed for monotonicity (see "
                                    + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "
                                    + GoFormat.quote(metric), vectorArg.position());
                        }
                    }
                    any[o] = true;
                }
            }
            for (int o = 0; o < outputs; o++) {
                if (any[o]) {
                    Labels labels = g.getKey();
                    if (op == BucketOp.QUANTILES) {
                        labels = labels.toBuilder().set(label, Double.toString(qs.get(o)[0])).build();
                    }
                    out.add(new StepSeries(labels, result[o], true));
                }
            }
        }
        return new StepVector(out);
    }

    /** histogram_quantile(s)/histogram_fraction of one series' native histogram samples. */
    private void nativeBuckets(StepSeries s, BucketOp op, List<double[]> qs, String label, double[] lower, double[] upper, int steps,
            List<StepSeries> out, Expr vectorArg) {
        int outputs = op == BucketOp.QUANTILES ? qs.size() : 1;
        for (int o = 0; o < outputs; o++) {
            double[] result = new double[steps];
            boolean any = false;
            for (int k = 0; k < steps; k++) {
                NativeHistogram h = s.hists[k];
                if (h == null) {
                    result[k] = Absent.VALUE;
                    continue;
                }
                result[k] = op == BucketOp.FRACTION ? h.fraction(lower[k], upper[k]) : h.quantile(qs.get(o)[k]);
                any = true;
                if (Double.isNaN(h.sum)) {
                    // NaN observations sit in no bucket: quantiles rank them above everything, fractions leave them out.
                    String what = op == BucketOp.FRACTION ? "input to histogram_fraction has NaN observations, which are excluded from all fractions"
                            : Double.isNaN(result[k]) ? "input to histogram_quantile has NaN observations, result is NaN"
                            : "input to histogram_quantile has NaN observations, result is skewed higher";
                    ev.ctx.annotations.info(what + " for metric name " + GoFormat.quote(s.labels.metricName()), vectorArg.position());
                }
            }
            if (any) {
                Labels labels = s.labels;
                if (op == BucketOp.QUANTILES) {
                    labels = labels.toBuilder().set(label, Double.toString(qs.get(o)[0])).build();
                }
                out.add(new StepSeries(labels, result, true));
            }
        }
    }

    /** histogram_count/sum/avg/stddev/stdvar: a float of each native histogram sample; floats give nothing. */
    StepVector histogramProperty(String name, List<Expr> args, StepGrid grid) {
        StepVector v = ev.evalVector(args.get(0), grid);
        List<StepSeries> out = new ArrayList<>();
        for (StepSeries s : v.series()) {
            if (s.hists == null) {
                continue;
            }
            double[] result = new double[s.values.length];
            boolean any = false;
            for (int k = 0; k < result.length; k++) {
                NativeHistogram h = s.hists[k];
                if (h == null) {
                    result[k] = Absent.VALUE;
                    continue;
                }
                any = true;
                result[k] = switch (name) {
                    case "histogram_count" -> h.count;
                    case "histogram_sum" -> h.sum;
                    case "histogram_avg" -> h.sum / h.count;
                    case "histogram_stddev" -> Math.sqrt(h.variance());
                    default -> h.variance();
                };
            }
            if (any) {
                out.add(new StepSeries(s.labels, result, true));
            }
        }
        return new StepVector(out);
    }

    /** Go's strconv.ParseFloat for the forms "le" labels use. */
    static double parseGoFloat(String s) {
        if (s.isEmpty()) {
            throw new NumberFormatException("empty");
        }
        switch (s.toLowerCase()) {
            case "+inf", "inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        char last = s.charAt(s.length() - 1);
        if (!(Character.isDigit(last) || last == '.')) {
            throw new NumberFormatException(s);
        }
        return Double.parseDouble(s.replace("_", ""));
    }
}
