package io.promethium.promql.engine;

import io.promethium.api.model.Labels;
import io.promethium.promql.engine.testing.InMemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** PromQL over samples with start timestamps, with Prometheus's use-start-timestamps on and off. */
class StartTimestampQueryTest {

    private static final Labels COUNTER = Labels.of("__name__", "req_total", "job", "a");

    private final QueryEngine plain = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(Set.of(EngineOptions.EXPERIMENTAL_FUNCTIONS)));
    private final QueryEngine withStarts = QueryEngine.create(EngineOptions.DEFAULTS.withFeatures(
            Set.of(EngineOptions.EXPERIMENTAL_FUNCTIONS, EngineOptions.USE_START_TIMESTAMPS)));

    /** A counter sampled every minute from 1m (20, 30, ... 60), whose counting started at 30s. */
    private static InMemoryStorage startedAt30s() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int i = 1; i <= 5; i++) {
            storage.add(COUNTER, 30_000, i * 60_000L, 10 * i + 10);
        }
        return storage;
    }

    private static double single(QueryResult r) {
        List<Sample> samples = ((InstantVector) r.value()).samples();
        assertThat(samples).hasSize(1);
        return samples.get(0).v();
    }

    @Test
    void increaseCountsFromZeroAtAStartTimestampInsideTheWindowInsteadOfExtrapolating() {
        InMemoryStorage storage = startedAt30s();
        // Window (0, 300s]: samples 20..60 at 60..300s; the start at 30s is inside, so 60 since zero there.
        assertThat(single(withStarts.instantQuery(storage, "increase(req_total[5m])", 300_000))).isEqualTo(60.0);
        // Without the feature: 40 extrapolated to the window's start, 60s: 40 * 300/240.
        assertThat(single(plain.instantQuery(storage, "increase(req_total[5m])", 300_000))).isEqualTo(50.0);
    }

    @Test
    void aStartTimestampAfterThePreviousSampleIsAResetEvenWhenTheValueGrew() {
        InMemoryStorage storage = new InMemoryStorage();
        storage.add(COUNTER, 1, 60_000, 10);
        storage.add(COUNTER, 1, 120_000, 20);
        // Restarted at 150s and already counted past the previous value.
        storage.add(COUNTER, 150_000, 180_000, 30);
        assertThat(single(withStarts.instantQuery(storage, "resets(req_total[3m])", 180_000))).isEqualTo(1.0);
        assertThat(single(plain.instantQuery(storage, "resets(req_total[3m])", 180_000))).isEqualTo(0.0);
        // irate over the last two: a reset, so the last value over the interval.
        assertThat(single(withStarts.instantQuery(storage, "irate(req_total[3m])", 180_000))).isEqualTo(0.5);
        assertThat(single(plain.instantQuery(storage, "irate(req_total[3m])", 180_000))).isCloseTo(10 / 60.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void startTimestampFunctionAnswersOnlyForSelectorsWithTheFeatureOn() {
        InMemoryStorage storage = startedAt30s();
        assertThat(single(withStarts.instantQuery(storage, "start_timestamp(req_total)", 300_000))).isEqualTo(30.0);
        assertThat(((InstantVector) withStarts.instantQuery(storage, "start_timestamp(req_total * 1)", 300_000).value()).samples()).isEmpty();
        assertThat(((InstantVector) plain.instantQuery(storage, "start_timestamp(req_total)", 300_000).value()).samples()).isEmpty();
    }

    @Test
    void aSubqueryCarriesNoStartTimestamps() {
        InMemoryStorage storage = new InMemoryStorage();
        for (int i = 1; i <= 5; i++) {
            // Delta samples: each counts from the previous sample's time.
            storage.add(COUNTER, (i - 1) * 60_000L, i * 60_000L, 10);
        }
        assertThat(single(withStarts.instantQuery(storage, "increase(req_total[4m])", 300_000))).isEqualTo(40.0);
        assertThat(single(withStarts.instantQuery(storage, "increase(req_total[4m:1m])", 300_000))).isEqualTo(0.0);
    }

    @Test
    void anOverlappingStartTimestampWarns() {
        InMemoryStorage storage = new InMemoryStorage();
        // Each sample claims to count from two samples back: neither cumulative nor delta.
        for (int i = 2; i <= 4; i++) {
            storage.add(COUNTER, i * 60_000L - 120_000, i * 60_000L, 60 * i);
        }
        QueryResult r = withStarts.instantQuery(storage, "rate(req_total[3m])", 240_000);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("sample has start time that overlaps with previous sample timestamp"));
        assertThat(plain.instantQuery(storage, "rate(req_total[3m])", 240_000).warnings()).isEmpty();
    }
}
