package io.promethium.promql.engine.conformance;

import io.promethium.promql.engine.notation.SeriesNotation;

import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.Value;
import io.promethium.promql.engine.testing.InMemoryStorage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every step of a range query must equal an instant query at that step's time: for each
 * conformance query (except those whose value depends on the query's range or order), over the
 * script's data, at the case's time and 37 s later, against a 10-step range query around it.
 */
class RangeModeConsistencyTest {
    @Test
    void rangeQueryStepsEqualInstantQueries() throws Exception {
        Path dir = ConformanceTest.conformanceDir();
        QueryEngine engine = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(ConformanceTest.HARNESS_FEATURES));
        int checked = 0;
        List<String> failures = new java.util.ArrayList<>();
        for (String file : List.of("functions.test", "aggregators.test", "operators.test", "subquery.test", "at_modifier.test",
                "histograms.test", "selectors.test", "staleness.test", "limit.test", "name_label_dropping.test", "collision.test", "literals.test", "trig_functions.test", "range_queries.test")) {
            Script script = ScriptReader.read(file, Files.readString(dir.resolve(file)));
            InMemoryStorage storage = new InMemoryStorage();
            for (Script.Command c : script.commands()) {
                if (c instanceof Script.Clear) {
                    storage.clear();
                } else if (c instanceof Script.Load l) {
                    for (Script.LoadedSeries s : l.series()) {
                        for (int i = 0; i < s.values().length; i++) {
                            if (SeriesNotation.isFloat(s.values()[i])) {
                                storage.add(s.labels(), i * l.stepMillis(), s.values()[i]);
                            }
                        }
                    }
                } else if (c instanceof Script.Eval e && e.instant() && e.fail() == null
                        && !e.query().matches(".*\\b(step|range|start|end|time|timestamp|sort\\w*|topk|bottomk|limitk|limit_ratio)\\s*\\(.*")) {
                    for (long t : new long[] {e.start(), e.start() + 37_000}) {
                        Value inst;
                        try {
                            inst = engine.instantQuery(storage, e.query(), t).value();
                        } catch (QueryException ex) {
                            continue;
                        }
                        if (!(inst instanceof InstantVector iv)) {
                            continue;
                        }
                        RangeMatrix m;
                        try {
                            m = (RangeMatrix) engine.rangeQuery(storage, e.query(), t - 7 * 45_000, t + 3 * 45_000, 45_000).value();
                        } catch (QueryException ex) {
                            failures.add("range error " + file + ":" + e.line() + " " + e.query() + " " + ex.getMessage());
                            continue;
                        }
                        Map<Object, Double> want = new HashMap<>();
                        for (Sample s : iv.samples()) {
                            want.put(s.labels(), s.v());
                        }
                        Map<Object, Double> got = new HashMap<>();
                        for (SeriesData s : m.series()) {
                            for (int i = 0; i < s.length(); i++) {
                                if (s.timestamps()[i] == t) {
                                    got.put(s.labels(), s.values()[i]);
                                }
                            }
                        }
                        checked++;
                        boolean same = want.size() == got.size();
                        for (var en : want.entrySet()) {
                            Double g = got.get(en.getKey());
                            if (g == null || !ConformanceTest.close(en.getValue(), g)) {
                                same = false;
                            }
                        }
                        if (!same) {
                            failures.add("mismatch " + file + ":" + e.line() + " @" + t + " " + e.query() + "\n   instant " + want + "\n   range   " + got);
                        }
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(checked).isGreaterThan(1000);
    }
}
