package io.promethium.scrape.tool;

import io.promethium.api.model.MetricType;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The lint of {@code promtool check metrics}: client_golang's {@code promlint} rules (the set
 * Prometheus 3's promtool links: help, units, counter and gauge suffixes, reserved histogram and
 * summary names and labels, type in name, colons, camelCase, abbreviated units, duplicate series)
 * over a text-format page, grouped into families as the Go text parser groups them. Written here
 * because no Java library implements promlint.
 */
public final class MetricsLint {

    /** One finding: the family it concerns and what is wrong, in promlint's words. */
    public record Problem(String metric, String text) {
    }

    /** One family with the label sets of its series (histogram and summary lines grouped). */
    public static final class Family {
        final String name;
        MetricType type = MetricType.UNKNOWN;
        boolean typed;
        String help;
        /** Label names of each series, keyed by the series' labels (le/quantile removed where consumed). */
        final Map<String, List<String>> metrics = new LinkedHashMap<>();
        /** The series keys in page order, duplicates included. */
        final List<String> seriesKeys = new ArrayList<>();
        /** Distinct le (histogram) or quantile (summary) values of the first series. */
        final List<String> firstSeriesSubKeys = new ArrayList<>();

        Family(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** The series count as promtool's {@code --extended} counts it. */
        public int cardinality() {
            int n = metrics.size();
            return switch (type) {
                case HISTOGRAM, SUMMARY -> n == 0 ? 0 : n * (2 + firstSeriesSubKeys.size());
                default -> seriesKeys.size();
            };
        }
    }

    private static final Pattern CAMEL_CASE = Pattern.compile("[a-z][A-Z]");
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("amperes", "amperes"), Map.entry("bytes", "bytes"), Map.entry("celsius", "celsius"),
            Map.entry("grams", "grams"), Map.entry("joules", "joules"), Map.entry("kelvin", "kelvin"),
            Map.entry("meters", "meters"), Map.entry("metres", "metres"), Map.entry("seconds", "seconds"),
            Map.entry("volts", "volts"), Map.entry("minutes", "seconds"), Map.entry("hours", "seconds"),
            Map.entry("days", "seconds"), Map.entry("weeks", "seconds"), Map.entry("kelvins", "kelvin"),
            Map.entry("fahrenheit", "celsius"), Map.entry("rankine", "celsius"), Map.entry("inches", "meters"),
            Map.entry("yards", "meters"), Map.entry("miles", "meters"), Map.entry("bits", "bytes"),
            Map.entry("calories", "joules"), Map.entry("pounds", "grams"), Map.entry("ounces", "grams"));
    private static final List<String> UNIT_PREFIXES = List.of("pico", "nano", "micro", "milli", "centi", "deci", "deca",
            "hecto", "kilo", "kibi", "mega", "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi");
    private static final List<String> UNIT_ABBREVIATIONS = List.of("s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb",
            "tb", "pb", "m", "h", "d");
    /** The Go client model's type names promlint looks for in metric names (all but untyped). */
    private static final List<String> TYPE_NAMES = List.of("counter", "gauge", "summary", "histogram", "gauge_histogram");

    private MetricsLint() {
    }

    /**
     * The families of a text-format page, in the order they first appear.
     *
     * @throws ExpositionException when the page is not valid text format
     */
    public static List<Family> families(byte[] page) throws ExpositionException {
        ExpositionParser parser = ExpositionFormat.PROMETHEUS_TEXT_0_0_4.newParser(page, 0, page.length);
        Map<String, Family> byName = new LinkedHashMap<>();
        for (ExpositionParser.Entry e = parser.next(); e != ExpositionParser.Entry.EOF; e = parser.next()) {
            switch (e) {
                case TYPE -> {
                    Family f = byName.computeIfAbsent(parser.metricFamilyName(), Family::new);
                    f.type = parser.type();
                    f.typed = true;
                }
                case HELP -> byName.computeIfAbsent(parser.metricFamilyName(), Family::new).help = parser.help();
                case SERIES -> addSeries(byName, parser);
                default -> {
                }
            }
        }
        // As the Go text parser, a family without series is dropped (a "# TYPE x counter" whose
        // samples are x_total leaves x empty and x_total untyped).
        byName.values().removeIf(f -> f.metrics.isEmpty());
        return new ArrayList<>(byName.values());
    }

    private static void addSeries(Map<String, Family> byName, ExpositionParser parser) {
        String name = parser.metricName();
        Family family = null;
        String consumed = null;
        // As the Go text parser: _sum/_count (and _bucket) lines belong to a summary (histogram)
        // family typed before them; le of a bucket and quantile of a summary are not labels then.
        for (String suffix : List.of("_bucket", "_count", "_sum", "")) {
            if (suffix.isEmpty() || !name.endsWith(suffix)) {
                continue;
            }
            Family base = byName.get(name.substring(0, name.length() - suffix.length()));
            if (base != null && (base.type == MetricType.HISTOGRAM || base.type == MetricType.SUMMARY && !suffix.equals("_bucket"))) {
                family = base;
                consumed = suffix.equals("_bucket") ? "le" : null;
                break;
            }
        }
        if (family == null) {
            family = byName.computeIfAbsent(name, Family::new);
            if (family.type == MetricType.SUMMARY && name.equals(family.name)) {
                consumed = "quantile";
            }
        }
        String skip = consumed;
        List<String> names = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        String[] sub = {null};
        parser.rawLabels((k, v) -> {
            if (k.equals(skip)) {
                sub[0] = v;
                return;
            }
            names.add(k);
            key.append(k).append('\u0000').append(v).append('\u0000');
        });
        String k = key.toString();
        boolean grouped = family.type == MetricType.HISTOGRAM || family.type == MetricType.SUMMARY;
        if (!grouped) {
            family.seriesKeys.add(k);
        }
        family.metrics.putIfAbsent(k, names);
        if (sub[0] != null && k.equals(family.metrics.keySet().iterator().next()) && !family.firstSeriesSubKeys.contains(sub[0])) {
            family.firstSeriesSubKeys.add(sub[0]);
        }
    }

    /** The problems promlint reports for these families, sorted by metric name and text. */
    public static List<Problem> lint(List<Family> families) {
        List<Problem> problems = new ArrayList<>();
        for (Family f : families) {
            lint(f, problems);
        }
        problems.sort(Comparator.comparing(Problem::metric).thenComparing(Problem::text));
        return problems;
    }

    private static void lint(Family f, List<Problem> problems) {
        String n = f.name;
        String lower = n.toLowerCase(Locale.ROOT);
        MetricType t = f.typed ? f.type : MetricType.UNKNOWN;
        boolean untyped = t == MetricType.UNKNOWN;
        if (f.help == null) {
            problems.add(new Problem(n, "no help text"));
        }
        String[] unit = metricUnit(n);
        if (unit != null && !unit[0].equals(unit[1])) {
            problems.add(new Problem(n, "use base unit \"" + unit[1] + "\" instead of \"" + unit[0] + "\""));
        }
        boolean counter = t == MetricType.COUNTER;
        boolean total = n.endsWith("_total");
        if (counter && !total) {
            problems.add(new Problem(n, "counter metrics should have \"_total\" suffix"));
        } else if (!untyped && !counter && total) {
            problems.add(new Problem(n, "non-counter metrics should not have \"_total\" suffix"));
        }
        if (!untyped && t != MetricType.GAUGE && n.endsWith("_timestamp_seconds")) {
            problems.add(new Problem(n, "non-gauge metrics should not have \"_timestamp_seconds\" suffix"));
        }
        if (!untyped) {
            boolean histogram = t == MetricType.HISTOGRAM;
            boolean summary = t == MetricType.SUMMARY;
            if (!histogram && n.endsWith("_bucket")) {
                problems.add(new Problem(n, "non-histogram metrics should not have \"_bucket\" suffix"));
            }
            if (!histogram && !summary && n.endsWith("_count")) {
                problems.add(new Problem(n, "non-histogram and non-summary metrics should not have \"_count\" suffix"));
            }
            if (!histogram && !summary && n.endsWith("_sum")) {
                problems.add(new Problem(n, "non-histogram and non-summary metrics should not have \"_sum\" suffix"));
            }
            for (List<String> labels : f.metrics.values()) {
                for (String label : labels) {
                    if (!histogram && label.equals("le")) {
                        problems.add(new Problem(n, "non-histogram metrics should not have \"le\" label"));
                    }
                    if (!summary && label.equals("quantile")) {
                        problems.add(new Problem(n, "non-summary metrics should not have \"quantile\" label"));
                    }
                }
            }
        }
        for (String type : TYPE_NAMES) {
            if (lower.contains("_" + type + "_") || lower.endsWith("_" + type)) {
                problems.add(new Problem(n, "metric name should not include type '" + type + "'"));
            }
        }
        if (n.contains(":")) {
            problems.add(new Problem(n, "metric names should not contain ':'"));
        }
        if (CAMEL_CASE.matcher(n).find()) {
            problems.add(new Problem(n, "metric names should be written in 'snake_case' not 'camelCase'"));
        }
        for (List<String> labels : f.metrics.values()) {
            for (String label : labels) {
                if (CAMEL_CASE.matcher(label).find()) {
                    problems.add(new Problem(n, "label names should be written in 'snake_case' not 'camelCase'"));
                }
            }
        }
        for (String s : UNIT_ABBREVIATIONS) {
            if (lower.contains("_" + s + "_") || lower.endsWith("_" + s)) {
                problems.add(new Problem(n, "metric names should not contain abbreviated units"));
            }
        }
        // Duplicate series: each series whose labels a later one repeats, once.
        List<String> keys = f.seriesKeys;
        for (int i = 0; i < keys.size(); i++) {
            if (keys.subList(i + 1, keys.size()).contains(keys.get(i))) {
                problems.add(new Problem(n, "metric not unique"));
            }
        }
    }

    /** The first unit word of the name (with a known prefix or none) and its base unit, or null. */
    private static String[] metricUnit(String name) {
        for (String part : name.split("_", -1)) {
            String base = UNITS.get(part);
            if (base != null) {
                return new String[] {part, base};
            }
            for (String prefix : UNIT_PREFIXES) {
                if (part.startsWith(prefix) && UNITS.containsKey(part.substring(prefix.length()))) {
                    return new String[] {part, UNITS.get(part.substring(prefix.length()))};
                }
            }
        }
        return null;
    }
}
