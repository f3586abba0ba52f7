package io.promethium.promql.engine;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.engine.testing.InMemoryStorage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryEngineTest {

    private final QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS);

    private static InMemoryStorage counters(int series, int samples, long stepMillis) {
        InMemoryStorage storage = new InMemoryStorage();
        for (int s = 0; s < series; s++) {
            Labels labels = Labels.of("__name__", "x_total", "job", "j" + (s % 3), "instance", "i" + s);
            for (int i = 0; i < samples; i++) {
                storage.add(labels, i * stepMillis, i * (s + 1));
            }
        }
        return storage;
    }

    @Test
    void instantSelectorReturnsNewestSampleWithinLookback() {
        InMemoryStorage storage = counters(1, 10, 60_000);
        QueryResult r = engine.instantQuery(storage, "x_total", 300_000);
        assertThat(((InstantVector) r.value()).samples()).singleElement()
                .satisfies(s -> assertThat(s.v()).isEqualTo(5.0))
                .satisfies(s -> assertThat(s.t()).isEqualTo(300_000));
        // 5 m after the last sample (t = 540 s) the series has gone.
        assertThat(((InstantVector) engine.instantQuery(storage, "x_total", 840_000).value()).samples()).isEmpty();
        assertThat(((InstantVector) engine.instantQuery(storage, "x_total", 839_999).value()).samples()).hasSize(1);
    }

    @Test
    void aRepeatedQueryTextAnswersAsTheFirstTimeAndAParseErrorIsReportedEveryTime() {
        InMemoryStorage storage = counters(3, 10, 60_000);
        // The second run takes the kept tree; its warning positions and results are the same.
        for (int i = 0; i < 2; i++) {
            QueryResult r = engine.instantQuery(storage, "rate(x_total[5m])", 300_000);
            assertThat(((InstantVector) r.value()).samples()).hasSize(3);
            assertThat(engine.instantQuery(storage, "x_total", 300_000 + i * 60_000).value()).isInstanceOf(InstantVector.class);
            assertThatThrownBy(() -> engine.instantQuery(storage, "sum(", 0))
                    .isInstanceOf(QueryException.class).hasMessageContaining("parse error");
        }
    }

    @Test
    void histogramTrimOperatorsRefuseTwoScalarsAndAnnotateFloats() {
        InMemoryStorage storage = counters(1, 10, 60_000);
        assertThatThrownBy(() -> engine.instantQuery(storage, "1 </ 2", 0))
                .isInstanceOf(QueryException.class).hasMessage("operator \"</\" not allowed for Scalar operations");
        QueryResult r = engine.instantQuery(storage, "x_total >/ 1", 300_000);
        assertThat(((InstantVector) r.value()).samples()).isEmpty();
        assertThat(r.infos()).singleElement().asString()
                .contains("incompatible sample types encountered for binary operator \">/\": float >/ float");
    }

    @Test
    void seriesCollidingOnceTheNameIsDroppedAreAnErrorUnlessNameRemovalIsDelayed() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int i = 0; i < 10; i++) {
            storage.add(Labels.of("__name__", "a", "job", "node"), i * 60_000L, i);
            storage.add(Labels.of("__name__", "b", "job", "node"), i * 60_000L, i);
        }
        String query = "sum(count_over_time({job=\"node\"}[1h]))";
        assertThatThrownBy(() -> engine.instantQuery(storage, query, 600_000))
                .isInstanceOf(QueryException.class).hasMessage("vector cannot contain metrics with the same labelset");
        assertThatThrownBy(() -> engine.rangeQuery(storage, "sum(-{job=\"node\"})", 0, 600_000, 60_000))
                .hasMessage("vector cannot contain metrics with the same labelset");
        QueryEngine delayed = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(java.util.Set.of(EngineOptions.DELAYED_NAME_REMOVAL)));
        assertThat(((InstantVector) delayed.instantQuery(storage, query, 600_000).value()).samples()).singleElement()
                .satisfies(s -> assertThat(s.v()).isEqualTo(20.0));
        // Same labels at different steps merge into one series, as in Prometheus.
        InMemoryStorage apart = new InMemoryStorage();
        apart.add(Labels.of("__name__", "a", "job", "node"), 0, 1);
        apart.add(Labels.of("__name__", "b", "job", "node"), 600_000, 2);
        RangeMatrix m = (RangeMatrix) engine.rangeQuery(apart, "-{job=\"node\"}", 0, 600_000, 600_000).value();
        assertThat(m.series()).singleElement().satisfies(s -> assertThat(s.length()).isEqualTo(2));
    }

    @Test
    void durationExpressionsResolveAgainstTheQuerysStepAndRangeWhenTheFeatureIsOn() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int i = 0; i <= 100; i++) {
            storage.add(Labels.of("__name__", "m"), i * 1000L, i);
        }
        assertThatThrownBy(() -> engine.rangeQuery(storage, "count_over_time(m[step()])", 50_000, 60_000, 10_000))
                .isInstanceOf(QueryException.class).hasMessage("1:19: parse error: experimental duration expression is not enabled");
        // A tree parsed elsewhere (a rule file) is refused the same way.
        io.promethium.promql.ast.Expr parsed = io.promethium.promql.parser.PromQLParser.parseExpr("m offset step()");
        assertThatThrownBy(() -> engine.instantQuery(storage, parsed, 50_000))
                .hasMessage("experimental duration expression is not enabled");

        QueryEngine on = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(java.util.Set.of(EngineOptions.DURATION_EXPR)));
        RangeMatrix windows = (RangeMatrix) on.rangeQuery(storage, "count_over_time(m[step()+1ms])", 50_000, 60_000, 10_000).value();
        assertThat(windows.series()).singleElement().satisfies(s -> assertThat(s.values()).containsExactly(11, 11));
        RangeMatrix shifted = (RangeMatrix) on.rangeQuery(storage, "m offset min_of(range(), 8s)", 50_000, 60_000, 5_000).value();
        assertThat(shifted.series()).singleElement().satisfies(s -> assertThat(s.values()).containsExactly(42, 47, 52));
        // An instant query has step() = range() = 0: a range of step() is not positive.
        assertThatThrownBy(() -> on.instantQuery(storage, "count_over_time(m[step()])", 50_000))
                .isInstanceOf(QueryException.class).hasMessage("duration must be greater than 0");
        assertThat(((InstantVector) on.instantQuery(storage, "m offset range()", 50_000).value()).samples())
                .singleElement().satisfies(s -> assertThat(s.v()).isEqualTo(50));
        assertThatThrownBy(() -> on.rangeQuery(storage, "sum_over_time(m[5m:1m/(step()-step())])", 0, 10_000, 5_000))
                .isInstanceOf(QueryException.class).hasMessage("division by zero");
    }

    @Test
    void fillModifiersStandInForTheMissingSideWhenTheFeatureIsOn() {
        InMemoryStorage storage = new InMemoryStorage();
        storage.add(Labels.of("__name__", "l", "k", "a"), 0, 10);
        storage.add(Labels.of("__name__", "l", "k", "b"), 0, 20);
        storage.add(Labels.of("__name__", "r", "k", "a"), 0, 100);
        storage.add(Labels.of("__name__", "r", "k", "c"), 0, 300);
        assertThatThrownBy(() -> engine.instantQuery(storage, "l + fill(0) r", 0))
                .isInstanceOf(QueryException.class).hasMessage("1:1: parse error: binop fill modifiers are experimental and not enabled");
        io.promethium.promql.ast.Expr parsed = io.promethium.promql.parser.PromQLParser.parseExpr("l + fill(0) r");
        assertThatThrownBy(() -> engine.instantQuery(storage, parsed, 0))
                .hasMessage("binop fill modifiers are experimental and not enabled");

        QueryEngine on = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(java.util.Set.of(EngineOptions.FILL_MODIFIERS)));
        java.util.Map<String, Double> both = new java.util.TreeMap<>();
        for (Sample s : ((InstantVector) on.instantQuery(storage, "l + fill(1) r", 0).value()).samples()) {
            both.put(s.labels().toString(), s.v());
        }
        assertThat(both).containsExactly(java.util.Map.entry("{k=\"a\"}", 110.0), java.util.Map.entry("{k=\"b\"}", 21.0),
                java.util.Map.entry("{k=\"c\"}", 301.0));
        assertThat(((InstantVector) on.instantQuery(storage, "l + fill_right(0) r", 0).value()).samples()).hasSize(2);
        assertThat(((InstantVector) on.instantQuery(storage, "l + r", 0).value()).samples()).hasSize(1);
    }

    @Test
    void typeAndUnitLabelsGoWithTheMetricNameWhenTheFeatureIsOn() {
        InMemoryStorage storage = new InMemoryStorage();
        storage.add(Labels.of("__name__", "x_total", "__type__", "counter", "__unit__", "request", "job", "a"), 0, 10);
        QueryEngine on = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(java.util.Set.of(EngineOptions.TYPE_AND_UNIT_LABELS)));
        assertThat(((InstantVector) on.instantQuery(storage, "-x_total", 0).value()).samples()).singleElement()
                .satisfies(s -> assertThat(s.labels()).isEqualTo(Labels.of("job", "a")));
        assertThat(((InstantVector) on.instantQuery(storage, "sum without (job) (x_total)", 0).value()).samples()).singleElement()
                .satisfies(s -> assertThat(s.labels()).isEqualTo(Labels.EMPTY));
        // Kept where the name is kept, and by default (they are then ordinary labels).
        assertThat(((InstantVector) on.instantQuery(storage, "x_total > 1", 0).value()).samples()).singleElement()
                .satisfies(s -> assertThat(s.labels().get("__type__")).isEqualTo("counter"));
        assertThat(((InstantVector) engine.instantQuery(storage, "-x_total", 0).value()).samples()).singleElement()
                .satisfies(s -> assertThat(s.labels()).isEqualTo(Labels.of("__type__", "counter", "__unit__", "request", "job", "a")));
    }

    @Test
    void staleMarkerEndsTheSeriesAtOnce() {
        InMemoryStorage storage = new InMemoryStorage();
        Labels l = Labels.of("__name__", "up");
        storage.add(l, 0, 1);
        storage.add(l, 60_000, StaleMarker.STALE_NAN);
        assertThat(((InstantVector) engine.instantQuery(storage, "up", 30_000).value()).samples()).hasSize(1);
        assertThat(((InstantVector) engine.instantQuery(storage, "up", 60_000).value()).samples()).isEmpty();
    }

    @Test
    void rangeQueryOfRateMatchesInstantQueriesAtEachStep() {
        InMemoryStorage storage = counters(6, 100, 15_000);
        QueryResult range = engine.rangeQuery(storage, "sum by (job) (rate(x_total[2m]))", 300_000, 900_000, 30_000);
        RangeMatrix m = (RangeMatrix) range.value();
        assertThat(m.series()).hasSize(3);
        for (SeriesData s : m.series()) {
            assertThat(s.length()).isEqualTo(21);
            for (int i = 0; i < s.length(); i++) {
                InstantVector v = (InstantVector) engine.instantQuery(storage, "sum by (job) (rate(x_total[2m]))", s.timestamps()[i]).value();
                double expected = v.samples().stream().filter(x -> x.labels().equals(s.labels())).findFirst().orElseThrow().v();
                assertThat(s.values()[i]).isEqualTo(expected);
            }
        }
    }

    @Test
    void rangeQueryReadsEachSampleOnceHoweverManyWindowsHoldIt() {
        InMemoryStorage storage = counters(4, 400, 15_000);
        // 200 steps of 15 s, each window 5 m = 20 samples: a per-step select would read 16,000 per series.
        QueryResult r = engine.rangeQuery(storage, "rate(x_total[5m])", 300_000, 300_000 + 199 * 15_000, 15_000);
        assertThat(r.stats().totalQueryableSamples()).isLessThanOrEqualTo(4 * 400);
        assertThat(((RangeMatrix) r.value()).series()).hasSize(4).allSatisfy(s -> assertThat(s.length()).isEqualTo(200));
    }

    @Test
    void stepsLongerThanTheRangeSkipSamplesBetweenWindows() {
        InMemoryStorage storage = counters(1, 4000, 15_000);
        QueryResult r = engine.rangeQuery(storage, "rate(x_total[1m])", 3_600_000, 36_000_000, 3_600_000);
        // 10 windows of 4 samples each (plus at most one look-ahead sample per window).
        assertThat(r.stats().totalQueryableSamples()).isLessThanOrEqualTo(10 * 5);
    }

    @Test
    void atModifierPinsEveryStepToTheSameWindow() {
        InMemoryStorage storage = counters(2, 100, 15_000);
        double pinned = ((InstantVector) engine.instantQuery(storage, "sum(rate(x_total[5m]))", 600_000).value()).samples().get(0).v();
        RangeMatrix m = (RangeMatrix) engine.rangeQuery(storage, "sum(rate(x_total[5m] @ 600))", 0, 1_200_000, 60_000).value();
        assertThat(m.series()).singleElement().satisfies(s -> {
            assertThat(s.length()).isEqualTo(21);
            for (int i = 0; i < s.length(); i++) {
                assertThat(s.values()[i]).isEqualTo(pinned);
            }
        });
    }

    @Test
    void storageFailureIsAnInternalErrorNamingTheCause() {
        Queryable broken = (min, max) -> {
            throw new io.promethium.api.storage.StorageException(io.promethium.api.storage.StorageException.Reason.IO, "disk on fire");
        };
        assertThatThrownBy(() -> engine.instantQuery(broken, "up", 0))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    // As Prometheus's API maps storage errors: errorType "internal".
                    assertThat(e.errorType()).isEqualTo("internal");
                    assertThat(e.getMessage()).contains("disk on fire");
                });
    }

    @Test
    void parseErrorIsBadDataWithPosition() {
        assertThatThrownBy(() -> engine.instantQuery(new InMemoryStorage(), "sum(x", 0))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("bad_data");
                    assertThat(e.getMessage()).matches("\\d+:\\d+: parse error: .*");
                });
    }

    @Test
    void aRegexThatBacktracksTooLongOnALongLabelValueIsAnExecutionErrorNamingIt() {
        InMemoryStorage storage = new InMemoryStorage();
        storage.add(Labels.of("__name__", "up", "path", "x".repeat(5_000)), 0, 1);
        storage.add(Labels.of("__name__", "up", "path", "short"), 0, 1);
        // .*.*.*a costs the cube of the value's length in Java's backtracking engine (minutes here).
        assertThatThrownBy(() -> engine.instantQuery(storage, "up{path=~\".*.*.*a\"}", 0))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("execution");
                    assertThat(e.getMessage()).contains("regular expression \".*.*.*a\"", "too expensive", "5000 characters");
                });
        // A linear regex over the same value still answers.
        assertThat(((InstantVector) engine.instantQuery(storage, "up{path=~\"x+|short\"}", 0).value()).samples()).hasSize(2);
    }

    @Test
    void labelReplaceWithARegexThatBacktracksTooLongIsAnExecutionErrorNamingIt() {
        InMemoryStorage storage = new InMemoryStorage();
        storage.add(Labels.of("__name__", "up", "path", "x".repeat(5_000)), 0, 1);
        assertThatThrownBy(() -> engine.instantQuery(storage, "label_replace(up, \"p\", \"$1\", \"path\", \"(.*.*.*a)\")", 0))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("execution");
                    assertThat(e.getMessage()).contains("\"(.*.*.*a)\" of label_replace()", "too expensive", "5000 characters");
                });
        // Groups of a bounded match are read as before.
        InstantVector v = (InstantVector) engine.instantQuery(storage, "label_replace(up, \"p\", \"${1}y\", \"path\", \"(x{2}).*\")", 0).value();
        assertThat(v.samples().get(0).labels().get("p")).isEqualTo("xxy");
    }

    @Test
    void tooManySamplesIsAnExecutionError() {
        QueryEngine small = QueryEngine.create(EngineOptions.DEFAULTS.withMaxSamples(100));
        InMemoryStorage storage = counters(20, 50, 15_000);
        assertThatThrownBy(() -> small.rangeQuery(storage, "x_total", 0, 600_000, 15_000))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("execution");
                    assertThat(e.getMessage()).isEqualTo("query processing would load too many samples into memory in query execution");
                });
    }

    @Test
    void aRangeWindowLargerThanTheSampleLimitIsRefused() {
        QueryEngine small = QueryEngine.create(EngineOptions.DEFAULTS.withMaxSamples(50));
        InMemoryStorage storage = counters(1, 200, 15_000);
        assertThat(((InstantVector) small.instantQuery(storage, "rate(x_total[10m])", 3_000_000).value()).samples()).hasSize(1);
        assertThatThrownBy(() -> small.instantQuery(storage, "rate(x_total[1h])", 3_000_000))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo("execution"));
    }

    @Test
    void slowStorageEndsInTimeout() {
        QueryEngine quick = QueryEngine.create(EngineOptions.DEFAULTS.withTimeout(Duration.ofMillis(50)));
        InMemoryStorage data = counters(3000, 40, 15_000);
        Queryable slow = (min, max) -> new SlowQuerier(data.querier(min, max));
        assertThatThrownBy(() -> quick.rangeQuery(slow, "rate(x_total[1m])", 0, 600_000, 1_000))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo("timeout"));
    }

    @Test
    void aRequestTimeoutBelowTheEnginesEndsTheQueryInTimeoutAndALargerOneChangesNothing() {
        InMemoryStorage data = counters(3000, 40, 15_000);
        Queryable slow = (min, max) -> new SlowQuerier(data.querier(min, max));
        assertThatThrownBy(() -> engine.withTimeout(Duration.ofMillis(50)).rangeQuery(slow, "rate(x_total[1m])", 0, 600_000, 1_000))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("timeout");
                    assertThat(e.getMessage()).isEqualTo("query timed out in expression evaluation");
                });
        assertThat(engine.withTimeout(Duration.ofDays(1))).isSameAs(engine);
    }

    @Test
    void rangeParametersAreCheckedWithPrometheussMessagesNamingTheParameter() {
        InMemoryStorage storage = new InMemoryStorage();
        assertThatThrownBy(() -> engine.rangeQuery(storage, "1", 10, 0, 1))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.parameter()).isEqualTo("end");
                    assertThat(e.getMessage()).isEqualTo("end timestamp must not be before start time");
                });
        assertThatThrownBy(() -> engine.rangeQuery(storage, "1", 0, 10, 0))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.parameter()).isEqualTo("step"));
        assertThatThrownBy(() -> engine.rangeQuery(storage, "1", 0, 11_001, 1))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("bad_data");
                    assertThat(e.parameter()).isEmpty();
                    assertThat(e.getMessage()).startsWith("exceeded maximum resolution of 11,000 points per timeseries");
                });
        assertThat(engine.rangeQuery(storage, "1", 0, 11_000, 1).value()).isInstanceOf(RangeMatrix.class);
    }

    @Test
    void interruptingTheQueryThreadCancelsTheQuery() {
        InMemoryStorage data = counters(3000, 40, 15_000);
        Queryable interrupting = (min, max) -> {
            Thread.currentThread().interrupt();
            return data.querier(min, max);
        };
        try {
            assertThatThrownBy(() -> engine.rangeQuery(interrupting, "rate(x_total[1m])", 0, 600_000, 1_000))
                    .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo("canceled"));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void queriesBeyondMaxConcurrentWaitAndTimeOutInTheQueue() throws Exception {
        QueryEngine one = QueryEngine.create(EngineOptions.DEFAULTS.withMaxConcurrent(1).withTimeout(Duration.ofMillis(300)));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InMemoryStorage data = counters(1, 10, 15_000);
        Queryable blocking = (min, max) -> {
            inside.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return data.querier(min, max);
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = pool.submit(() -> {
                try {
                    one.instantQuery(blocking, "x_total", 60_000);
                } catch (QueryException ignored) {
                    // The first query may time out itself; only the second one matters here.
                }
            });
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> one.instantQuery(data, "x_total", 60_000))
                    .isInstanceOfSatisfying(QueryException.class, e -> {
                        assertThat(e.errorType()).isEqualTo("timeout");
                        assertThat(e.getMessage()).contains("queue");
                    });
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void duplicateLabelsetsAfterNameRemovalFail() {
        InMemoryStorage storage = new InMemoryStorage();
        storage.add(Labels.of("__name__", "a_total", "job", "x"), 0, 1);
        storage.add(Labels.of("__name__", "b_total", "job", "x"), 0, 2);
        assertThatThrownBy(() -> engine.instantQuery(storage, "-{job=\"x\"}", 0))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("execution");
                    assertThat(e.getMessage()).isEqualTo("vector cannot contain metrics with the same labelset");
                });
    }

    @Test
    void rangeQueryRejectsRangeVectorExpressions() {
        assertThatThrownBy(() -> engine.rangeQuery(new InMemoryStorage(), "x[5m]", 0, 60_000, 15_000))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo("bad_data"));
    }

    @Test
    void statsCountSamplesRead() {
        InMemoryStorage storage = counters(2, 100, 15_000);
        QueryResult r = engine.instantQuery(storage, "sum_over_time(x_total[5m])", 1_000_000);
        assertThat(r.stats().totalQueryableSamples()).isGreaterThanOrEqualTo(40);
        assertThat(r.stats().peakSamples()).isGreaterThan(0);
    }

    /** Sleeps on every select so a query runs past a short timeout. */
    private record SlowQuerier(Querier delegate) implements Querier {
        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
            SeriesSet inner = delegate.select(sorted, hints, matchers);
            return new SeriesSet() {
                @Override
                public boolean next() {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return inner.next();
                }

                @Override
                public io.promethium.api.storage.Series at() {
                    return inner.at();
                }
            };
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            return delegate.labelValues(name, matchers);
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            return delegate.labelNames(matchers);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
