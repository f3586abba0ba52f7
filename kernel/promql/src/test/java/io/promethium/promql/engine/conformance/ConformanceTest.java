package io.promethium.promql.engine.conformance;

import io.promethium.promql.engine.notation.SeriesNotation;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.Scalar;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.StringValue;
import io.promethium.promql.engine.testing.InMemoryStorage;
import io.promethium.promql.testing.ConformanceScripts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs Prometheus's PromQL test scripts ({@code conformance/promql/*.test}, carried by
 * promql-grammar's test jar) against the
 * engine: one dynamic test per {@code eval}, named {@code <file>:<line>}.
 *
 * <p>Skipped: the experimental-feature files ({@link #SKIPPED_FILES}), and native-histogram cases,
 * which the engine does not evaluate yet: a case whose query or expected result holds a native
 * histogram, or whose evaluation reads native histogram samples. The float samples of series that
 * mix floats and histograms are loaded; a failing case over such data counts as reading
 * histograms only when its result changes with what stands in the histograms' places (nothing,
 * or either of two float stand-ins): then the histogram samples take part in the answer. Every
 * other failure is a failure, unless listed in {@code known-failures.txt}: listed cases are run
 * and reported as skipped while they fail; once one passes, its test fails so the list only
 * shrinks. The summary line prints the skip counts by reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {

    /** Files for experimental features, with the reason they are skipped. */
    static final Map<String, String> SKIPPED_FILES = Map.of();

    private static final double EPSILON = 1e-6;

    /** Functions whose value depends on the query's range: the range-mode cross-check does not apply. */
    private static final java.util.regex.Pattern QUERY_RANGE_FUNCTIONS =
            java.util.regex.Pattern.compile("\\b(step|range|start|end)\\s*\\(\\s*\\)");

    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger knownFailing = new AtomicInteger();
    private final Map<String, AtomicInteger> skipReasons = new java.util.concurrent.ConcurrentSkipListMap<>();
    /**
     * The features Prometheus's test harness (promqltest) turns on for these scripts: the parser's
     * experimental functions and duration expressions, the engine's delayed name removal.
     */
    static final java.util.Set<String> HARNESS_FEATURES = EngineOptions.SUPPORTED_FEATURES;

    private final QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS.withTimeout(Duration.ofSeconds(30))
            .withFeatures(HARNESS_FEATURES));
    private final Map<String, String> knownFailures = loadKnownFailures();

    static Path conformanceDir() {
        return ConformanceScripts.directory();
    }

    private static Map<String, String> loadKnownFailures() {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/known-failures.txt")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int space = l.indexOf(' ');
                out.put(space < 0 ? l : l.substring(0, space), space < 0 ? "" : l.substring(space + 1).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read known-failures.txt", e);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicNode> promqlConformance() throws IOException {
        Path dir = conformanceDir();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".test")).sorted().toList();
        }
        List<DynamicNode> containers = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String text = Files.readString(file);
            String skipFile = SKIPPED_FILES.get(name);
            if (skipFile != null) {
                // Experimental syntax need not be readable: name each eval by its line, skip it.
                List<DynamicTest> tests = new ArrayList<>();
                String[] lines = text.split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (lines[i].startsWith("eval")) {
                        String id = name + ":" + (i + 1);
                        tests.add(DynamicTest.dynamicTest(id, () -> {
                            skipped.incrementAndGet();
                            countReason("experimental file " + name);
                            throw new TestAbortedException("skipped: " + skipFile);
                        }));
                    }
                }
                containers.add(DynamicContainer.dynamicContainer(name, tests));
                continue;
            }
            Script script = ScriptReader.read(name, text);
            containers.add(DynamicContainer.dynamicContainer(name, tests(script)));
        }
        return containers.stream();
    }

    /** The data loaded at some point of a script: the loads since the last clear. */
    private record DataState(List<Script.Load> loads) {
        boolean hasHistograms() {
            return loads.stream().anyMatch(Script.Load::hasHistograms);
        }
    }

    private List<DynamicTest> tests(Script script) {
        List<DynamicTest> tests = new ArrayList<>();
        List<Script.Load> loads = new ArrayList<>();
        StorageCache cache = new StorageCache();
        for (Script.Command c : script.commands()) {
            switch (c) {
                case Script.Load l -> loads.add(l);
                case Script.Clear cl -> loads = new ArrayList<>();
                case Script.Eval e -> {
                    DataState state = new DataState(List.copyOf(loads));
                    String id = script.file() + ":" + e.line();
                    String skipReason = nativeHistogramReason(e, state);
                    tests.add(DynamicTest.dynamicTest(id, () -> runCase(id, e, state, cache, skipReason)));
                }
            }
        }
        return tests;
    }

    /** Why a case cannot run at all (a native histogram literal in the query), or null. */
    static String nativeHistogramReason(Script.Eval e, DataState state) {
        return e.nativeHistogramReason();
    }

    /** One storage per script, rebuilt when a case sees different loaded data than the previous one. */
    private static final class StorageCache {
        private DataState current;
        private final InMemoryStorage storage = new InMemoryStorage();

        InMemoryStorage forState(DataState state) {
            if (current != state) {
                storage.clear();
                for (Script.Load load : state.loads()) {
                    for (Script.LoadedSeries s : load.series()) {
                        double[] values = s.values();
                        for (int i = 0; i < values.length; i++) {
                            if (SeriesNotation.isFloat(values[i])) {
                                storage.add(s.labels(), s.start(i), i * load.stepMillis(), values[i]);
                            } else if (SeriesNotation.isHistogram(values[i])) {
                                storage.add(s.labels(), s.start(i), i * load.stepMillis(), s.hists()[i]);
                            }
                        }
                    }
                }
                current = state;
            }
            return storage;
        }
    }

    private void runCase(String id, Script.Eval e, DataState state, StorageCache cache, String skipReason) {
        if (skipReason != null) {
            skipped.incrementAndGet();
            countReason(skipReason);
            throw new TestAbortedException("skipped: " + skipReason);
        }
        String known = knownFailures.get(id);
        String failure;
        InMemoryStorage storage = cache.forState(state);
        try {
            failure = check(e, storage);
        } catch (RuntimeException | AssertionError ex) {
            failure = "unexpected " + ex;
        }
        if (failure != null && KNOWN_FAILURES_OUT != null) {
            newKnownFailures.put(id, reason(e, state, failure));
        }
        if (known != null) {
            if (failure == null) {
                failed.incrementAndGet();
                throw new AssertionError(id + " passes now: remove it from known-failures.txt");
            }
            knownFailing.incrementAndGet();
            throw new TestAbortedException("known failure (" + known + "): " + failure);
        }
        if (failure != null) {
            failed.incrementAndGet();
            throw new AssertionError(id + ": " + e.query() + "\n" + failure);
        }
        passed.incrementAndGet();
    }

    /**
     * With {@code -Dpromql.conformance.knownFailuresOut=<file>}, the failing cases are written there
     * in known-failures.txt's format, each with a reason drawn from its failure, to review and list.
     */
    private static final String KNOWN_FAILURES_OUT = System.getProperty("promql.conformance.knownFailuresOut");
    private final Map<String, String> newKnownFailures = new java.util.concurrent.ConcurrentSkipListMap<>();

    private static String reason(Script.Eval e, DataState state, String failure) {
        String area;
        if (state.hasHistograms() || e.expected().stream().anyMatch(x -> x.hists() != null)) {
            area = "native histograms";
        } else {
            area = "experimental feature";
        }
        String first = failure.strip().split("\n")[0];
        if (first.length() > 140) {
            first = first.substring(0, 140) + "...";
        }
        return area + ": " + first;
    }

    /** Null when the case passes, else what differs. */
    private String check(Script.Eval e, InMemoryStorage storage) {
        QueryResult result;
        try {
            result = e.instant()
                    ? engine.instantQuery(storage, e.query(), e.start())
                    : engine.rangeQuery(storage, e.query(), e.start(), e.end(), e.step());
        } catch (QueryException ex) {
            if (e.fail() == null) {
                return "unexpected error (" + ex.errorType() + "): " + ex.getMessage();
            }
            if (!e.fail().matches(ex.getMessage())) {
                return "error message differs:\n  expected: " + (e.fail().message() != null ? e.fail().message() : "/" + e.fail().regex() + "/")
                        + "\n  actual:   " + ex.getMessage();
            }
            return null;
        }
        if (e.fail() != null) {
            return "expected an error, got " + describe(result);
        }
        String annotations = checkAnnotations(e, result);
        if (annotations != null) {
            return annotations;
        }
        String mismatch = switch (result.value()) {
            case Scalar s -> checkScalar(e, s);
            case StringValue s -> e.expectedString() != null && e.expectedString().equals(s.s()) ? null
                    : "expected string " + e.expectedString() + ", got " + s.s();
            case InstantVector v -> checkVector(e, v);
            case RangeMatrix m -> checkMatrix(e, m);
        };
        if (mismatch != null || !e.instant() || e.ordered()) {
            return mismatch;
        }
        if ((result.value() instanceof Scalar || result.value() instanceof InstantVector) && !QUERY_RANGE_FUNCTIONS.matcher(e.query()).find()) {
            // As promqltest does: the same query as a range query around the time must give the
            // same answer at its middle step.
            return checkRangeMode(e, storage);
        }
        return null;
    }

    private String checkRangeMode(Script.Eval e, InMemoryStorage storage) {
        RangeMatrix m;
        try {
            m = (RangeMatrix) engine.rangeQuery(storage, e.query(), e.start() - 60_000, e.start() + 60_000, 60_000).value();
        } catch (QueryException ex) {
            return "range mode: unexpected error (" + ex.errorType() + "): " + ex.getMessage();
        }
        List<Sample> middle = new ArrayList<>();
        for (SeriesData s : m.series()) {
            for (int i = 0; i < s.length(); i++) {
                if (s.timestamps()[i] == e.start()) {
                    middle.add(new Sample(s.labels(), e.start(), s.values()[i], s.histogram(i)));
                }
            }
        }
        boolean scalar = !e.expected().isEmpty() && e.expected().get(0).labels() == null;
        String mismatch = scalar
                ? (middle.size() == 1 ? checkScalar(e, new Scalar(e.start(), middle.get(0).v())) : "expected one scalar, got " + middle)
                : checkVector(e, new InstantVector(middle));
        return mismatch == null ? null : "range mode (middle step of [t-1m, t+1m]): " + mismatch;
    }

    private static String checkAnnotations(Script.Eval e, QueryResult r) {
        String w = checkKind("warning", e.warn(), e.noWarn(), r.warnings());
        return w != null ? w : checkKind("info", e.info(), e.noInfo(), r.infos());
    }

    private static String checkKind(String kind, Script.Expectation expected, boolean none, List<String> actual) {
        if (none && !actual.isEmpty()) {
            return "expected no " + kind + ", got " + actual;
        }
        if (expected == null) {
            return null;
        }
        if (actual.isEmpty()) {
            return "expected a " + kind + ", got none";
        }
        for (String a : actual) {
            if (expected.matches(a)) {
                return null;
            }
        }
        return kind + " differs:\n  expected: " + (expected.message() != null ? expected.message() : "/" + expected.regex() + "/")
                + "\n  actual:   " + actual;
    }

    private static String checkScalar(Script.Eval e, Scalar s) {
        if (e.expected().size() != 1 || e.expected().get(0).labels() != null || e.expected().get(0).values().length != 1) {
            return "got scalar " + s.v() + ", expected " + describeExpected(e);
        }
        double want = e.expected().get(0).values()[0];
        return close(want, s.v()) ? null : "expected scalar " + want + ", got " + s.v();
    }

    private static String checkVector(Script.Eval e, InstantVector v) {
        if (e.rangeVectorStep() > 0) {
            return "expected a range vector, got an instant vector";
        }
        List<Sample> samples = v.samples();
        if (samples.size() != e.expected().size()) {
            return "expected " + e.expected().size() + " samples, got " + samples.size() + ":\n  expected: " + describeExpected(e)
                    + "\n  actual:   " + samples;
        }
        Map<Labels, Sample> byLabels = new HashMap<>();
        for (Sample s : samples) {
            byLabels.put(s.labels(), s);
        }
        for (int i = 0; i < e.expected().size(); i++) {
            Script.ExpectedSeries want = e.expected().get(i);
            if (want.labels() == null) {
                return "expected a scalar, got a vector " + samples;
            }
            Sample got = e.ordered() ? samples.get(i) : byLabels.get(want.labels());
            if (got == null || !got.labels().equals(want.labels())) {
                return "missing series " + want.labels() + (e.ordered() ? " at position " + i : "") + "; actual: " + samples;
            }
            if (want.values().length != 1) {
                return "value of " + want.labels() + ": expected one value, got " + got;
            }
            String h = compareHistogram(want.hist(0), got.h());
            if (h != null) {
                return "value of " + want.labels() + ": " + h;
            }
            if (got.h() == null && !close(want.values()[0], got.v())) {
                return "value of " + want.labels() + ": expected " + want.values()[0] + ", got " + got.v();
            }
        }
        return null;
    }

    private static String checkMatrix(Script.Eval e, RangeMatrix m) {
        long start;
        long step;
        if (e.instant()) {
            if (e.rangeVectorStep() == 0 && !e.expected().isEmpty()) {
                return "got a range vector, expected " + describeExpected(e);
            }
            start = e.rangeVectorStart();
            step = e.rangeVectorStep();
        } else {
            start = e.start();
            step = e.step();
        }
        Map<Labels, SeriesData> byLabels = new HashMap<>();
        for (SeriesData s : m.series()) {
            byLabels.put(s.labels(), s);
        }
        if (m.series().size() != e.expected().size()) {
            return "expected " + e.expected().size() + " series, got " + m.series().size() + ":\n  expected: " + describeExpected(e)
                    + "\n  actual:   " + describe(m);
        }
        for (Script.ExpectedSeries want : e.expected()) {
            Labels labels = want.labels() == null ? Labels.EMPTY : want.labels();
            SeriesData got = byLabels.get(labels);
            if (got == null) {
                return "missing series " + labels + "; actual: " + describe(m);
            }
            List<long[]> wantPoints = new ArrayList<>();
            double[] values = want.values();
            List<Double> wantValues = new ArrayList<>();
            List<io.promethium.api.model.FloatHistogram> wantHists = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                if (!SeriesNotation.isMissing(values[i])) {
                    wantPoints.add(new long[] {start + i * step});
                    wantValues.add(values[i]);
                    wantHists.add(want.hist(i));
                }
            }
            if (wantPoints.size() != got.length()) {
                return "series " + labels + ": expected " + wantPoints.size() + " points, got " + got.length() + ": " + describe(got);
            }
            for (int i = 0; i < got.length(); i++) {
                String h = compareHistogram(wantHists.get(i), got.histogram(i));
                if (h != null) {
                    return "series " + labels + " point " + i + ": " + h;
                }
                if (got.timestamps()[i] != wantPoints.get(i)[0] || got.histogram(i) == null && !close(wantValues.get(i), got.values()[i])) {
                    return "series " + labels + " point " + i + ": expected " + wantValues.get(i) + "@" + wantPoints.get(i)[0] + ", got "
                            + got.values()[i] + "@" + got.timestamps()[i] + "; all: " + describe(got);
                }
            }
        }
        return null;
    }

    /** Null when both are the same histogram (or both floats), as promqltest compares compacted histograms. */
    static String compareHistogram(io.promethium.api.model.FloatHistogram want, io.promethium.api.model.FloatHistogram got) {
        if (want == null && got == null) {
            return null;
        }
        if (want == null) {
            return "expected a float, got histogram " + got;
        }
        if (got == null) {
            return "expected histogram " + want + ", got a float";
        }
        boolean same = want.schema() == got.schema() && close(want.count(), got.count()) && close(want.sum(), got.sum())
                && want.zeroThreshold() == got.zeroThreshold() && close(want.zeroCount(), got.zeroCount())
                && java.util.Arrays.equals(want.customValues(), got.customValues())
                && sameBuckets(want.positiveSpans().indexes(null), want.positiveBuckets(), got.positiveSpans().indexes(null), got.positiveBuckets())
                && sameBuckets(want.negativeSpans().indexes(null), want.negativeBuckets(), got.negativeSpans().indexes(null), got.negativeBuckets());
        return same ? null : "expected histogram " + want + ", got " + got;
    }

    private static boolean sameBuckets(int[] wi, double[] wc, int[] gi, double[] gc) {
        int a = 0;
        int b = 0;
        while (true) {
            while (a < wc.length && wc[a] == 0) {
                a++;
            }
            while (b < gc.length && gc[b] == 0) {
                b++;
            }
            if (a >= wc.length || b >= gc.length) {
                return a >= wc.length && b >= gc.length;
            }
            if (wi[a] != gi[b] || !close(wc[a], gc[b])) {
                return false;
            }
            a++;
            b++;
        }
    }

    static boolean close(double want, double got) {
        if (Double.isNaN(want) || Double.isNaN(got)) {
            return Double.isNaN(want) && Double.isNaN(got);
        }
        if (want == got) {
            return true;
        }
        if (Double.isInfinite(want) || Double.isInfinite(got)) {
            return false;
        }
        double diff = Math.abs(want - got);
        if (want == 0 || got == 0) {
            return diff < EPSILON * Double.MIN_NORMAL || diff < 1e-12;
        }
        return diff / Math.min(Math.abs(want) + Math.abs(got), Double.MAX_VALUE) < EPSILON;
    }

    private static String describeExpected(Script.Eval e) {
        StringBuilder sb = new StringBuilder("[");
        for (Script.ExpectedSeries s : e.expected()) {
            sb.append(s.labels()).append(' ').append(s.hists() != null ? java.util.Arrays.toString(s.hists()) : java.util.Arrays.toString(s.values())).append(", ");
        }
        return sb.append(']').toString();
    }

    private static String describe(QueryResult r) {
        return switch (r.value()) {
            case RangeMatrix m -> describe(m);
            default -> r.value().toString();
        };
    }

    private static String describe(RangeMatrix m) {
        StringBuilder sb = new StringBuilder("[");
        for (SeriesData s : m.series()) {
            sb.append(describe(s)).append(", ");
        }
        return sb.append(']').toString();
    }

    private static String describe(SeriesData s) {
        StringBuilder sb = new StringBuilder(s.labels().toString()).append(" {");
        for (int i = 0; i < s.length(); i++) {
            sb.append(s.histogram(i) != null ? s.histogram(i) : s.values()[i]).append('@').append(s.timestamps()[i]).append(' ');
        }
        return sb.append('}').toString();
    }

    /** file:line in file order, lines numerically. */
    private static int compareIds(String a, String b) {
        String fa = a.substring(0, a.lastIndexOf(':'));
        String fb = b.substring(0, b.lastIndexOf(':'));
        int c = fa.compareTo(fb);
        return c != 0 ? c : Integer.compare(Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)),
                Integer.parseInt(b.substring(b.lastIndexOf(':') + 1)));
    }

    private void countReason(String reason) {
        skipReasons.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
    }

    @AfterAll
    void summary() throws IOException {
        if (KNOWN_FAILURES_OUT != null) {
            StringBuilder sb = new StringBuilder();
            newKnownFailures.entrySet().stream().sorted(Map.Entry.comparingByKey(ConformanceTest::compareIds))
                    .forEach(en -> sb.append(en.getKey()).append(' ').append(en.getValue()).append('\n'));
            Files.writeString(Path.of(KNOWN_FAILURES_OUT), sb.toString());
        }
        StringBuilder reasons = new StringBuilder();
        skipReasons.forEach((reason, n) -> reasons.append(reasons.isEmpty() ? "" : ", ").append(reason).append(": ").append(n));
        System.out.println("promql conformance: " + passed.get() + " passed, " + failed.get() + " failed, " + skipped.get()
                + " skipped" + (reasons.isEmpty() ? "" : " (" + reasons + ")") + ", " + knownFailing.get() + " known-failing (listed in known-failures.txt)");
    }
}
