package io.promethium.web.tool;

import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import io.promethium.goformat.GoDurations;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium query analyze --server=URL --type=histogram --match=SELECTOR... [--duration=1h]
 * [--time=T]}: promtool 3's {@code query analyze} (its {@code analyze.go}; promtool 2.42 has no such
 * command). For each selector it runs the instant query {@code SELECTOR[DURATION]} and prints, per
 * histogram series, the minimum, average and maximum number of populated buckets over the samples
 * (and the number of distinct buckets when it differs from the maximum), then the same figures
 * aggregated over the series, separately for native and classic histograms. Output and exit codes
 * are promtool's, with one difference: promtool prints the classic histograms of a selector in Go's
 * random map order, this command in the order of their names and labels.
 */
@Component(service = Tool.class)
public final class QueryAnalyzeCommand implements Tool {

    static final String HEADER = """
            Bucket stats for each histogram series over time
            ------------------------------------------------
            First the min, avg, and max number of populated buckets, followed by the total
            number of buckets (only if different from the max number of populated buckets
            which is typical for classic but not native histograms).""";
    static final String FOOTER = """
            Aggregated bucket stats
            -----------------------
            Each line shows min/avg/max over the series above.""";

    private final CommandLine.Reader reader = CommandLine.reader()
            .valued("server", "type", "duration", "time", "match")
            .refused("http.config.file", "--http.config.file is not supported by promethium query analyze yet; put basic auth "
                    + "credentials in the server URL (http://user:password@host:port)");

    @Override
    public String name() {
        return "query analyze";
    }

    @Override
    public String help() {
        return "--server=URL --type=histogram --match=SELECTOR... [--duration=1h] [--time=T]  Analyze the usage pattern of "
                + "histograms: populated buckets per series (as promtool 3 query analyze).";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        CommandLine flags;
        long durationNanos;
        try {
            flags = reader.read(args);
            flags.arguments();
            flags.required("server");
            flags.required("type");
            flags.required("match");
            durationNanos = GoDurations.parse(flags.value("duration", "1h")).toNanos();
        } catch (CommandLine.UsageException | IllegalArgumentException e) {
            err.println("promethium " + name() + ": error: " + e.getMessage() + ", try --help");
            return 1;
        }
        String type = flags.value("type", "");
        if (!type.equals("histogram")) {
            err.println("analyze type is " + type + ", must be 'histogram'");
            return 1;
        }
        String server = flags.value("server", "");
        URI uri;
        try {
            uri = URI.create(server.contains("://") ? server : "http://" + server);
        } catch (IllegalArgumentException e) {
            err.println("promethium " + name() + ": error: invalid URL " + server + ": " + e.getMessage() + ", try --help");
            return 1;
        }
        String timeText = flags.value("time", "");
        BigDecimal end;
        try {
            end = timeText.isEmpty() ? QueryCommand.now() : QueryCommand.parseTime(timeText, "time '" + timeText + "'");
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        QueryClient client = new QueryClient(uri, Map.of());
        out.println(HEADER);
        out.println();
        Meta nativeMeta = new Meta();
        Meta classicMeta = new Meta();
        for (String matcher : flags.values("match")) {
            String query = matcher + "[" + GoDurations.format(java.time.Duration.ofNanos(durationNanos)) + "]";
            Object data;
            try {
                data = client.call("/api/v1/query", List.of(Map.entry("query", query), Map.entry("time", QueryCommand.formatTime(end)))).data();
            } catch (QueryClient.ApiException e) {
                err.println(e.getMessage());
                return 1;
            }
            try {
                analyze(data, out, nativeMeta, classicMeta);
            } catch (IllegalStateException e) {
                err.println(e.getMessage());
                return 1;
            }
        }
        out.println();
        out.println(FOOTER);
        if (nativeMeta.count() > 0) {
            out.println();
            out.println("Native " + nativeMeta);
        }
        if (classicMeta.count() > 0) {
            out.println();
            out.println("Classic " + classicMeta);
        }
        return 0;
    }

    /** One selector's answer: a line per native series, then a line per classic histogram. */
    @SuppressWarnings("unchecked")
    static void analyze(Object data, PrintStream out, Meta nativeMeta, Meta classicMeta) {
        Map<String, Object> d = (Map<String, Object>) data;
        if (!"matrix".equals(d.get("resultType"))) {
            throw new IllegalStateException("query of buckets resulted in non-Matrix");
        }
        Map<String, List<Map<String, Object>>> classic = new TreeMap<>();
        for (Object o : (List<Object>) d.get("result")) {
            Map<String, Object> series = (Map<String, Object>) o;
            List<Object> values = (List<Object>) series.getOrDefault("values", List.of());
            Map<String, Object> metric = (Map<String, Object>) series.getOrDefault("metric", Map.of());
            if (values.isEmpty()) {
                Stats stats = nativeStats((List<Object>) series.getOrDefault("histograms", List.of()));
                if (stats == null) {
                    continue; // not a native histogram, or a single sample
                }
                out.println("- " + QueryCommand.metric(metric) + " (native): " + stats);
                nativeMeta.update(stats);
            } else {
                Map<String, Object> labels = new LinkedHashMap<>(metric);
                Object name = labels.get("__name__");
                if (!labels.containsKey("le") || name == null || !name.toString().endsWith("_bucket")) {
                    continue;
                }
                labels.remove("__name__");
                labels.remove("le");
                classic.computeIfAbsent(name + labelSet(labels), k -> new ArrayList<>()).add(series);
            }
        }
        for (Map.Entry<String, List<Map<String, Object>>> e : classic.entrySet()) {
            Stats stats = classicStats(e.getValue());
            if (stats != null) {
                out.println("- " + e.getKey() + " (classic): " + stats);
                classicMeta.update(stats);
            }
        }
    }

    /** Populated buckets of one series: min, average and max over its samples, and the total number of buckets. */
    record Stats(int minPop, double avgPop, int maxPop, int total) {
        @Override
        public String toString() {
            return maxPop == total ? minPop + "/" + fixed3(avgPop) + "/" + maxPop
                    : minPop + "/" + fixed3(avgPop) + "/" + maxPop + "/" + total;
        }
    }

    /** A classic histogram's bucket series (one per {@code le}): counts per bucket by differences of neighbours, at each sample. */
    @SuppressWarnings("unchecked")
    static Stats classicStats(List<Map<String, Object>> buckets) {
        int numBuckets = buckets.size();
        if (numBuckets == 0 || values(buckets.get(0)).size() < 2) {
            return null; // not enough data
        }
        int numSamples = values(buckets.get(0)).size(); // before sorting, as promtool
        List<Map<String, Object>> sorted = new ArrayList<>(buckets);
        sorted.sort((a, b) -> Double.compare(le(a), le(b))); // stable
        int minPop = Integer.MAX_VALUE;
        int maxPop = 0;
        long totalPop = 0;
        for (int t = 0; t < numSamples; t++) {
            long[] counts = countsAt(sorted, t);
            int pop = 0;
            for (long c : counts) {
                if (c != 0) {
                    pop++;
                }
            }
            totalPop += pop;
            minPop = Math.min(minPop, pop);
            maxPop = Math.max(maxPop, pop);
        }
        return new Stats(minPop, (double) totalPop / numSamples, maxPop, numBuckets);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> values(Map<String, Object> series) {
        return (List<Object>) series.getOrDefault("values", List.of());
    }

    private static double le(Map<String, Object> series) {
        @SuppressWarnings("unchecked")
        Object le = ((Map<String, Object>) series.get("metric")).get("le");
        try {
            return goParseFloat(String.valueOf(le));
        } catch (NumberFormatException e) {
            return 0; // as promtool, which ignores the parse error
        }
    }

    /** Each bucket's own count at sample {@code t}: zeros from a bucket that has fewer samples on (promtool's partial results). */
    private static long[] countsAt(List<Map<String, Object>> sorted, int t) {
        long[] counts = new long[sorted.size()];
        List<Object> first = values(sorted.get(0));
        if (t >= first.size()) {
            return counts;
        }
        counts[0] = (long) value(first.get(t));
        for (int i = 1; i < sorted.size(); i++) {
            List<Object> bucket = values(sorted.get(i));
            if (t >= bucket.size()) {
                return counts;
            }
            List<?> curr = (List<?>) bucket.get(t);
            List<?> prev = (List<?>) values(sorted.get(i - 1)).get(t);
            if (((BigDecimal) curr.get(0)).compareTo((BigDecimal) prev.get(0)) != 0) {
                throw new IllegalStateException("matrix result is not time aligned");
            }
            counts[i] = (long) (value(curr) - value(prev)); // Go's int(): truncation toward zero
        }
        return counts;
    }

    private static double value(Object pair) {
        return goParseFloat(String.valueOf(((List<?>) pair).get(1)));
    }

    private static double goParseFloat(String s) {
        return switch (s) {
            case "+Inf", "Inf", "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-Inf", "-inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    /** A native histogram series: populated buckets per sample, and the distinct buckets over all samples. */
    @SuppressWarnings("unchecked")
    static Stats nativeStats(List<Object> histograms) {
        if (histograms.size() < 2) {
            return null; // not a native histogram, or not enough data
        }
        Set<List<Object>> overall = new HashSet<>();
        int minPop = Integer.MAX_VALUE;
        int maxPop = 0;
        long totalPop = 0;
        for (Object pair : histograms) {
            Map<String, Object> h = (Map<String, Object>) ((List<Object>) pair).get(1);
            List<Object> buckets = (List<Object>) h.getOrDefault("buckets", List.of());
            for (Object b : buckets) {
                List<Object> bucket = (List<Object>) b;
                overall.add(List.of(new BigDecimal(String.valueOf(bucket.get(0))).intValue(),
                        goParseFloat(String.valueOf(bucket.get(1))), goParseFloat(String.valueOf(bucket.get(2)))));
            }
            int pop = buckets.size();
            totalPop += pop;
            minPop = Math.min(minPop, pop);
            maxPop = Math.max(maxPop, pop);
        }
        return new Stats(minPop, (double) totalPop / histograms.size(), maxPop, overall.size());
    }

    /** promtool's running min/avg/max over the series. */
    static final class Distribution {
        int min = Integer.MAX_VALUE;
        int max;
        int count;
        double avg;

        void update(int num) {
            min = Math.min(min, num);
            max = Math.max(max, num);
            count++;
            avg += (double) num / count - avg / count; // as promtool's incremental mean, same rounding
        }

        boolean sameAs(Distribution o) {
            return min == o.min && max == o.max && count == o.count && avg == o.avg;
        }

        @Override
        public String toString() {
            return min + "/" + fixed3(avg) + "/" + max;
        }
    }

    /** The aggregated figures of one histogram kind. */
    static final class Meta {
        final Distribution minPop = new Distribution();
        final Distribution avgPop = new Distribution();
        final Distribution maxPop = new Distribution();
        final Distribution total = new Distribution();

        void update(Stats s) {
            minPop.update(s.minPop());
            avgPop.update((int) s.avgPop());
            maxPop.update(s.maxPop());
            total.update(s.total());
        }

        int count() {
            return minPop.count;
        }

        @Override
        public String toString() {
            String s = "histogram series (" + count() + " in total):\n- min populated: " + minPop + "\n- avg populated: " + avgPop
                    + "\n- max populated: " + maxPop;
            return maxPop.sameAs(total) ? s : s + "\n- total: " + total;
        }
    }

    /** Go's {@code %.3f}: the exact binary value rounded half to even. */
    static String fixed3(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
        }
        return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Go's {@code model.LabelSet.String()}: {@code name="value"} pairs sorted as strings, in braces. */
    static String labelSet(Map<String, Object> labels) {
        List<String> pairs = new ArrayList<>();
        labels.forEach((k, v) -> pairs.add(k + "=" + QueryCommand.goQuote(String.valueOf(v))));
        pairs.sort(null);
        return "{" + String.join(", ", pairs) + "}";
    }
}
