package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Collector} passes (and, through {@link AbstractExporterContractTest},
 * every {@code Exporter}): what the server's exposition writer and the in-process scrape rely on.
 * A plugin's test extends this class and says how to build its collector:
 * <ul>
 * <li>it writes at least one family, and a sample only after a {@link MetricWriter#family} call;</li>
 * <li>each family is written in one piece: a family name comes once per collection;</li>
 * <li>names are valid metric names, label names valid and not reserved ({@code __name__}, or
 *     {@code le}/{@code quantile} outside histograms and summaries), help text one line;</li>
 * <li>a sample's name is its family's name, or the family's name plus a suffix its type allows
 *     ({@code _total}, {@code _bucket}, {@code _sum}, {@code _count}, ...);</li>
 * <li>no two samples share a name and labels in one collection;</li>
 * <li>counters are not negative; histogram buckets carry {@code le}, end with {@code +Inf} and
 *     are cumulative, and {@code _count} equals the {@code +Inf} bucket; summary quantiles
 *     are between 0 and 1;</li>
 * <li>collection is thread-safe: concurrent collections all pass the checks above.</li>
 * </ul>
 */
public abstract class AbstractCollectorContractTest {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The collector under test, ready to collect (its source started, if it has one). */
    protected abstract Collector collector() throws Exception;

    /** One family as written: its declaration and its samples in order. */
    protected record Family(String name, MetricType type, String help, String unit, List<Sample> samples) {
    }

    /** One sample as written. */
    protected record Sample(String name, Labels labels, double value) {
    }

    /** Records one collection, failing on a sample written before any family. */
    protected static final class Recorder implements MetricWriter {
        private final List<Family> families = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();

        @Override
        public void family(String name, MetricType type, String help, String unit) {
            families.add(new Family(name, type, help, unit, new ArrayList<>()));
        }

        @Override
        public void sample(String name, Labels labels, double value) {
            if (families.isEmpty()) {
                errors.add("sample " + name + labels + " written before any family");
                return;
            }
            families.get(families.size() - 1).samples().add(new Sample(name, labels, value));
        }

        public List<Family> families() {
            return families;
        }
    }

    /** Runs one collection of {@link #collector()} into a {@link Recorder}. */
    protected static Recorder collect(Collector collector) {
        Recorder r = new Recorder();
        collector.collect(r);
        return r;
    }

    /** The contract's violations in one collection; empty when it keeps the contract. */
    protected static List<String> violations(Recorder r) {
        List<String> out = new ArrayList<>(r.errors);
        if (r.families.isEmpty()) {
            out.add("no family written");
        }
        Set<String> familyNames = new HashSet<>();
        Set<String> seriesSeen = new HashSet<>();
        for (Family f : r.families) {
            String where = "family " + f.name();
            if (f.name() == null || !METRIC_NAME.matcher(f.name()).matches()) {
                out.add(where + ": not a valid metric name");
                continue;
            }
            if (f.type() == null) {
                out.add(where + ": no type");
                continue;
            }
            if (!familyNames.add(f.name())) {
                out.add(where + ": written twice in one collection (a family is written in one piece)");
            }
            if (f.help() == null || f.help().contains("\n")) {
                out.add(where + ": help is null or not one line");
            }
            if (f.unit() == null) {
                out.add(where + ": unit is null (empty when none)");
            }
            if (f.samples().isEmpty()) {
                out.add(where + ": no samples");
            }
            for (Sample s : f.samples()) {
                String at = where + ", sample " + s.name() + s.labels();
                if (!allowedSuffix(f, s.name())) {
                    out.add(at + ": name does not belong to a " + f.type() + " family " + f.name());
                }
                for (String label : s.labels().names()) {
                    if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                        out.add(at + ": label name " + label + " is invalid or reserved");
                    }
                }
                boolean bucket = s.name().endsWith("_bucket") && (f.type() == MetricType.HISTOGRAM || f.type() == MetricType.GAUGE_HISTOGRAM);
                if (s.labels().has("le") != bucket) {
                    out.add(at + (bucket ? ": bucket without le" : ": le outside a histogram bucket"));
                }
                boolean quantile = f.type() == MetricType.SUMMARY && s.name().equals(f.name());
                if (s.labels().has("quantile") != quantile) {
                    out.add(at + (quantile ? ": summary sample without quantile" : ": quantile outside a summary"));
                }
                if (quantile) {
                    double q = parse(s.labels().get("quantile"));
                    if (!(q >= 0 && q <= 1)) {
                        out.add(at + ": quantile not in [0, 1]");
                    }
                }
                if (!seriesSeen.add(s.name() + s.labels())) {
                    out.add(at + ": written twice");
                }
                if (f.type() == MetricType.COUNTER && s.value() < 0) {
                    out.add(at + ": a counter is negative (" + s.value() + ")");
                }
            }
            if (f.type() == MetricType.HISTOGRAM || f.type() == MetricType.GAUGE_HISTOGRAM) {
                histogramBuckets(f, out);
            }
        }
        return out;
    }

    private static double parse(String v) {
        try {
            return v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static boolean allowedSuffix(Family f, String sample) {
        if (sample.equals(f.name())) {
            return f.type() != MetricType.HISTOGRAM && f.type() != MetricType.GAUGE_HISTOGRAM;
        }
        if (!sample.startsWith(f.name() + "_")) {
            return false;
        }
        String suffix = sample.substring(f.name().length());
        return switch (f.type()) {
            case COUNTER -> suffix.equals("_total") || suffix.equals("_created");
            case HISTOGRAM -> List.of("_bucket", "_sum", "_count", "_created").contains(suffix);
            case GAUGE_HISTOGRAM -> List.of("_bucket", "_gsum", "_gcount").contains(suffix);
            case SUMMARY -> List.of("_sum", "_count", "_created").contains(suffix);
            case INFO -> suffix.equals("_info");
            default -> false;
        };
    }

    /** Per label set (without le): buckets end with +Inf, never decrease, and _count is the +Inf bucket. */
    private static void histogramBuckets(Family f, List<String> out) {
        Map<Labels, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Labels, Double> counts = new LinkedHashMap<>();
        String countName = f.name() + (f.type() == MetricType.HISTOGRAM ? "_count" : "_gcount");
        for (Sample s : f.samples()) {
            if (s.name().equals(f.name() + "_bucket")) {
                buckets.computeIfAbsent(s.labels().without("le"), k -> new ArrayList<>()).add(s);
            } else if (s.name().equals(countName)) {
                counts.put(s.labels(), s.value());
            }
        }
        if (buckets.isEmpty()) {
            out.add("family " + f.name() + ": a histogram without buckets");
        }
        buckets.forEach((labels, list) -> {
            String at = "family " + f.name() + labels;
            List<Sample> sorted = new ArrayList<>(list);
            sorted.sort((a, b) -> Double.compare(parse(a.labels().get("le")), parse(b.labels().get("le"))));
            if (sorted.stream().anyMatch(s -> Double.isNaN(parse(s.labels().get("le"))))) {
                out.add(at + ": an le that is not a number");
                return;
            }
            Sample last = sorted.get(sorted.size() - 1);
            if (parse(last.labels().get("le")) != Double.POSITIVE_INFINITY) {
                out.add(at + ": no +Inf bucket");
            }
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).value() < sorted.get(i - 1).value()) {
                    out.add(at + ": buckets are not cumulative (le=" + sorted.get(i).labels().get("le") + ")");
                }
            }
            Double count = counts.get(labels);
            if (count == null || count.doubleValue() != last.value()) {
                out.add(at + ": " + countName + " is " + count + ", the +Inf bucket " + last.value());
            }
        });
    }

    @Test
    void aCollectionKeepsTheExpositionRules() throws Exception {
        assertThat(violations(collect(collector()))).isEmpty();
    }

    @Test
    void collectingAgainGivesTheSameFamilies() throws Exception {
        Collector c = collector();
        List<String> first = collect(c).families().stream().map(Family::name).toList();
        List<String> second = collect(c).families().stream().map(Family::name).toList();
        assertThat(second).as("families of a second collection").containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    void concurrentCollectionsEachKeepTheRules() throws Exception {
        Collector c = collector();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> violations(collect(c))));
            }
            for (Future<List<String>> run : runs) {
                assertThat(run.get()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
