package io.promethium.web.tool;

import io.promethium.api.tool.Tool;
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

    private static final Set<String> VALUED = Set.of("server", "type", "duration", "time", "match", "http.config.file");

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
        Flags flags;
        long durationNanos;
        try {
            flags = Flags.parse(args, VALUED, Set.of());
            if (!flags.positional().isEmpty()) {
                throw new Flags.UsageException("unexpected " + flags.positional().get(0));
            }
            for (String required : List.of("server", "type", "match")) {
                if (!flags.has(required)) {
                    throw new Flags.UsageException("required flag --" + required + " not provided");
                }
            }
            if (flags.has("http.config.file")) {
                throw new Flags.UsageException("--http.config.file is not supported by promethium " + name()
                        + " yet; put basic auth credentials in the server URL (http://user:password@host:port)");
            }
            durationNanos = parseGoDuration(flags.value("duration", "1h"));
        } catch (Flags.UsageException e) {
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
        for (String matcher : flags.all("match")) {
            String query = matcher + "[" + goDuration(durationNanos) + "]";
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

    // --- Go's time.Duration -------------------------------------------------------------------

    private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    /** Go's {@code time.ParseDuration} (kingpin's duration flags), with its error messages. */
    static long parseGoDuration(String orig) throws Flags.UsageException {
        String s = orig;
        boolean neg = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        Flags.UsageException invalid = new Flags.UsageException("time: invalid duration " + QueryCommand.goQuote(orig));
        if (s.isEmpty()) {
            throw invalid;
        }
        long d = 0;
        while (!s.isEmpty()) {
            char c = s.charAt(0);
            if (!(c == '.' || c >= '0' && c <= '9')) {
                throw invalid;
            }
            int i = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
            }
            boolean pre = i > 0;
            long v;
            try {
                v = pre ? Long.parseLong(s.substring(0, i)) : 0;
            } catch (NumberFormatException e) {
                throw invalid;
            }
            s = s.substring(i);
            double f = 0;
            double scale = 1;
            boolean post = false;
            if (!s.isEmpty() && s.charAt(0) == '.') {
                s = s.substring(1);
                int j = 0;
                boolean overflow = false;
                while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                    if (!overflow && f * 10 + (s.charAt(j) - '0') < 9.2e18) {
                        f = f * 10 + (s.charAt(j) - '0');
                        scale *= 10;
                    } else {
                        overflow = true;
                    }
                    j++;
                }
                post = j > 0;
                s = s.substring(j);
            }
            if (!pre && !post) {
                throw invalid;
            }
            int u = 0;
            while (u < s.length() && s.charAt(u) != '.' && !(s.charAt(u) >= '0' && s.charAt(u) <= '9')) {
                u++;
            }
            if (u == 0) {
                throw new Flags.UsageException("time: missing unit in duration " + QueryCommand.goQuote(orig));
            }
            String unitName = s.substring(0, u);
            s = s.substring(u);
            Long unit = UNITS.get(unitName);
            if (unit == null) {
                throw new Flags.UsageException("time: unknown unit " + QueryCommand.goQuote(unitName) + " in duration "
                        + QueryCommand.goQuote(orig));
            }
            if (v > Long.MAX_VALUE / unit) {
                throw invalid;
            }
            v *= unit;
            if (f > 0) {
                v += (long) (f * ((double) unit / scale));
                if (v < 0) {
                    throw invalid;
                }
            }
            d += v;
            if (d < 0) {
                throw invalid;
            }
        }
        return neg ? -d : d;
    }

    /** Go's {@code time.Duration.String()}: {@code 1h0m0s}, {@code 1m30s}, {@code 1.5s}, {@code 250ms}. */
    static String goDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long u = Math.abs(nanos);
        if (u < 1_000_000_000L) {
            if (u < 1_000L) {
                return sign + u + "ns";
            }
            if (u < 1_000_000L) {
                return sign + fraction(u, 3) + "µs";
            }
            return sign + fraction(u, 6) + "ms";
        }
        StringBuilder b = new StringBuilder(sign);
        long hours = u / 3_600_000_000_000L;
        long rest = u % 3_600_000_000_000L;
        long minutes = rest / 60_000_000_000L;
        long secondsNanos = rest % 60_000_000_000L;
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        return b.append(fraction(secondsNanos, 9)).append('s').toString();
    }

    /** {@code v / 10^digits} with the fraction's trailing zeros dropped. */
    private static String fraction(long v, int digits) {
        return BigDecimal.valueOf(v, digits).stripTrailingZeros().toPlainString();
    }
}
