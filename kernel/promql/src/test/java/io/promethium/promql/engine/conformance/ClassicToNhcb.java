package io.promethium.promql.engine.conformance;

import io.promethium.promql.engine.notation.SeriesNotation;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Labels;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code load_with_nhcb}: each classic histogram of a load ({@code x_bucket{le=...}}, {@code x_count},
 * {@code x_sum}) also becomes a native histogram with custom buckets {@code x}, one sample per
 * step where any of its series has a float sample, as promqltest's conversion does.
 */
final class ClassicToNhcb {

    private ClassicToNhcb() {
    }

    /** Per point in time: bucket upper bound to cumulative count, count and sum. */
    private static final class Temp {
        final TreeMap<Double, Double> buckets = new TreeMap<>();
        double count = Double.NaN;
        double sum = Double.NaN;
    }

    static List<Script.LoadedSeries> convert(List<Script.LoadedSeries> loaded) {
        Map<Labels, Map<Integer, Temp>> byHistogram = new LinkedHashMap<>();
        for (Script.LoadedSeries s : loaded) {
            String name = s.labels().metricName();
            String base;
            int kind;
            if (name.endsWith("_bucket") && s.labels().has("le")) {
                base = name.substring(0, name.length() - 7);
                kind = 0;
            } else if (name.endsWith("_count")) {
                base = name.substring(0, name.length() - 6);
                kind = 1;
            } else if (name.endsWith("_sum")) {
                base = name.substring(0, name.length() - 4);
                kind = 2;
            } else {
                continue;
            }
            double le = 0;
            if (kind == 0) {
                try {
                    le = SeriesNotation.parseNumber(s.labels().get("le"));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (Double.isNaN(le)) {
                    continue;
                }
            }
            Labels h = s.labels().toBuilder().remove("le").set(Labels.METRIC_NAME, base).build();
            Map<Integer, Temp> points = byHistogram.computeIfAbsent(h, k -> new TreeMap<>());
            double[] values = s.values();
            for (int k = 0; k < values.length; k++) {
                if (!SeriesNotation.isFloat(values[k])) {
                    continue;
                }
                Temp t = points.computeIfAbsent(k, x -> new Temp());
                switch (kind) {
                    case 0 -> t.buckets.put(le, values[k]);
                    case 1 -> t.count = values[k];
                    default -> t.sum = values[k];
                }
            }
        }
        List<Script.LoadedSeries> out = new ArrayList<>();
        byHistogram.forEach((labels, points) -> {
            if (points.isEmpty()) {
                return;
            }
            int len = ((TreeMap<Integer, Temp>) points).lastKey() + 1;
            double[] values = new double[len];
            Arrays.fill(values, SeriesNotation.MISSING);
            FloatHistogram[] hists = new FloatHistogram[len];
            boolean any = false;
            for (Map.Entry<Integer, Temp> e : points.entrySet()) {
                FloatHistogram fh = toHistogram(e.getValue());
                if (fh != null) {
                    values[e.getKey()] = SeriesNotation.HISTOGRAM;
                    hists[e.getKey()] = fh;
                    any = true;
                }
            }
            if (any) {
                out.add(new Script.LoadedSeries(labels, values, hists));
            }
        });
        return out;
    }

    private static FloatHistogram toHistogram(Temp t) {
        if (t.buckets.isEmpty()) {
            return null;
        }
        List<Double> bounds = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        double prev = 0;
        for (Map.Entry<Double, Double> b : t.buckets.entrySet()) {
            bounds.add(b.getKey());
            counts.add(b.getValue() - prev);
            prev = b.getValue();
        }
        double count = Double.isNaN(t.count) ? prev : t.count;
        if (bounds.get(bounds.size() - 1) != Double.POSITIVE_INFINITY) {
            // No +Inf bucket: the count beyond the highest bound goes to an implicit +Inf bucket.
            bounds.add(Double.POSITIVE_INFINITY);
            counts.add(count - prev);
        }
        int n = bounds.size();
        double[] custom = new double[n - 1];
        for (int i = 0; i < n - 1; i++) {
            custom[i] = bounds.get(i);
        }
        int[] idx = new int[n];
        double[] cnt = new double[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
            cnt[i] = counts.get(i);
        }
        double sum = Double.isNaN(t.sum) ? 0 : t.sum;
        return NativeHistogram.of(CounterResetHint.UNKNOWN, NativeHistogram.CUSTOM_BUCKETS_SCHEMA, 0, 0, count, sum, idx, cnt,
                new int[0], new double[0], custom).toFloatHistogram();
    }
}
