package io.promethium.distribution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The samples both servers load for the differential suite: counters (with a reset), gauges,
 * a classic histogram, up-style 0/1 series, tiny and huge values, a series that stops halfway.
 * One hour at 15 s, all on whole seconds, so queries evaluated at half seconds never put a
 * sample on a range boundary (where Prometheus 2 and 3 differ: closed vs left-open ranges).
 */
final class DifferentialData {

    static final long STEP = 15_000;
    static final int POINTS = 241;

    final long start;
    final List<RemoteWriteClient.TimeSeries> series = new ArrayList<>();

    DifferentialData(long start) {
        this.start = start;
        SplittableRandom random = new SplittableRandom(20240601);
        for (String instance : List.of("i0", "i1", "i2")) {
            for (String method : List.of("get", "post")) {
                for (String code : List.of("200", "500")) {
                    double v = random.nextInt(100);
                    double[] values = new double[POINTS];
                    for (int i = 0; i < POINTS; i++) {
                        if (instance.equals("i1") && method.equals("post") && i == 120) {
                            v = 0; // a counter reset
                        }
                        v += random.nextInt(code.equals("200") ? 20 : 3);
                        values[i] = v;
                    }
                    add(Map.of("__name__", "diff_requests_total", "job", "api", "instance", instance, "method", method, "code", code), values);
                }
            }
            for (String sensor : List.of("cpu", "gpu")) {
                double v = 40 + random.nextInt(20);
                double[] values = new double[POINTS];
                for (int i = 0; i < POINTS; i++) {
                    v += (random.nextInt(2001) - 1000) / 1000.0;
                    values[i] = Math.round(v * 1000) / 1000.0;
                }
                add(Map.of("__name__", "diff_temperature", "instance", instance, "sensor", sensor), values);
            }
            double[] up = new double[POINTS];
            for (int i = 0; i < POINTS; i++) {
                up[i] = instance.equals("i2") && i > 100 && i < 140 ? 0 : 1;
            }
            add(Map.of("__name__", "diff_up", "job", instance.equals("i2") ? "db" : "api", "instance", instance), up);
        }
        String[] les = {"0.05", "0.1", "0.5", "1", "+Inf"};
        for (String instance : List.of("i0", "i1")) {
            double[][] buckets = new double[les.length][POINTS];
            double[] sum = new double[POINTS];
            double[] count = new double[POINTS];
            double[] acc = new double[les.length];
            double s = 0;
            for (int i = 0; i < POINTS; i++) {
                for (int n = 0; n < 10; n++) {
                    double latency = random.nextDouble() * random.nextDouble() * 1.5;
                    s += latency;
                    for (int b = 0; b < les.length; b++) {
                        if (b == les.length - 1 || latency <= Double.parseDouble(les[b])) {
                            acc[b]++;
                        }
                    }
                }
                for (int b = 0; b < les.length; b++) {
                    buckets[b][i] = acc[b];
                }
                sum[i] = Math.round(s * 1e6) / 1e6;
                count[i] = acc[les.length - 1];
            }
            for (int b = 0; b < les.length; b++) {
                add(Map.of("__name__", "diff_latency_seconds_bucket", "job", "api", "instance", instance, "le", les[b]), buckets[b]);
            }
            add(Map.of("__name__", "diff_latency_seconds_sum", "job", "api", "instance", instance), sum);
            add(Map.of("__name__", "diff_latency_seconds_count", "job", "api", "instance", instance), count);
        }
        double[] small = new double[POINTS];
        double[] big = new double[POINTS];
        double[] gappy = new double[POINTS / 2];
        for (int i = 0; i < POINTS; i++) {
            small[i] = (1 + random.nextInt(1000)) * 1e-9;
            big[i] = (1 + random.nextInt(1000)) * 1e19;
            if (i < gappy.length) {
                gappy[i] = i % 7;
            }
        }
        add(Map.of("__name__", "diff_small", "instance", "i0"), small);
        add(Map.of("__name__", "diff_big", "instance", "i0"), big);
        add(Map.of("__name__", "diff_gappy", "instance", "i0"), gappy);
        double[] info = new double[POINTS];
        java.util.Arrays.fill(info, 1);
        add(Map.of("__name__", "diff_info", "instance", "i0", "version", "1.2.3"), info);
        add(Map.of("__name__", "diff_info", "instance", "i1", "version", "1.3.0"), info);
    }

    private void add(Map<String, String> labels, double[] values) {
        long[] ts = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            ts[i] = start + i * STEP;
        }
        series.add(new RemoteWriteClient.TimeSeries(new LinkedHashMap<>(labels), ts, values));
    }

    long end() {
        return start + (POINTS - 1) * STEP;
    }
}
