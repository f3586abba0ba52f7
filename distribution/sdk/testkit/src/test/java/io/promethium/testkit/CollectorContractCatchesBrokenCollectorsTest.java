package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The collector and exporter bases pass a well-formed page and fail each deliberately broken one. */
class CollectorContractCatchesBrokenCollectorsTest {

    /** A page with one family of each common type, well formed. */
    static void good(MetricWriter w) {
        w.family("app_requests", MetricType.COUNTER, "Requests served.", "");
        w.sample("app_requests_total", Labels.of("code", "200"), 7);
        w.family("app_temperature_celsius", MetricType.GAUGE, "Temperature.", "celsius");
        w.sample("app_temperature_celsius", -3.5);
        w.family("app_latency_seconds", MetricType.HISTOGRAM, "Latency.", "seconds");
        w.sample("app_latency_seconds_bucket", Labels.of("le", "0.1"), 1);
        w.sample("app_latency_seconds_bucket", Labels.of("le", "+Inf"), 3);
        w.sample("app_latency_seconds_sum", 0.9);
        w.sample("app_latency_seconds_count", 3);
        w.family("app_rtt_seconds", MetricType.SUMMARY, "RTT.", "seconds");
        w.sample("app_rtt_seconds", Labels.of("quantile", "0.5"), 0.01);
        w.sample("app_rtt_seconds_sum", 1);
        w.sample("app_rtt_seconds_count", 10);
    }

    @Tag(Launch.CASE)
    abstract static class Page extends AbstractCollectorContractTest {
        abstract void write(MetricWriter w);

        @Override
        protected Collector collector() {
            return this::write;
        }
    }

    @Tag(Launch.CASE)
    static class Good extends Page {
        @Override
        void write(MetricWriter w) {
            good(w);
        }
    }

    @Tag(Launch.CASE)
    static class SampleBeforeFamily extends Page {
        @Override
        void write(MetricWriter w) {
            w.sample("orphan", 1);
            good(w);
        }
    }

    @Tag(Launch.CASE)
    static class FamilyInTwoPieces extends Page {
        @Override
        void write(MetricWriter w) {
            good(w);
            w.family("app_requests", MetricType.COUNTER, "Requests served.", "");
            w.sample("app_requests_total", Labels.of("code", "500"), 1);
        }
    }

    @Tag(Launch.CASE)
    static class WrongSuffix extends Page {
        @Override
        void write(MetricWriter w) {
            good(w);
            w.family("app_errors", MetricType.GAUGE, "Errors.", "");
            w.sample("app_errors_total", 1);
        }
    }

    @Tag(Launch.CASE)
    static class NegativeCounter extends Page {
        @Override
        void write(MetricWriter w) {
            w.family("app_requests", MetricType.COUNTER, "Requests served.", "");
            w.sample("app_requests_total", -1);
        }
    }

    @Tag(Launch.CASE)
    static class HistogramWithoutInf extends Page {
        @Override
        void write(MetricWriter w) {
            w.family("app_latency_seconds", MetricType.HISTOGRAM, "Latency.", "seconds");
            w.sample("app_latency_seconds_bucket", Labels.of("le", "0.1"), 2);
            w.sample("app_latency_seconds_bucket", Labels.of("le", "1"), 1);
            w.sample("app_latency_seconds_sum", 0.9);
            w.sample("app_latency_seconds_count", 3);
        }
    }

    @Tag(Launch.CASE)
    static class DuplicateSeries extends Page {
        @Override
        void write(MetricWriter w) {
            w.family("app_up", MetricType.GAUGE, "Up.", "");
            w.sample("app_up", Labels.of("job", "a"), 1);
            w.sample("app_up", Labels.of("job", "a"), 0);
        }
    }

    @Tag(Launch.CASE)
    static class ReservedLabel extends Page {
        @Override
        void write(MetricWriter w) {
            w.family("app_up", MetricType.GAUGE, "Up.", "");
            w.sample("app_up", Labels.of("__meta_x", "a"), 1);
        }
    }

    /** Shares a writer between threads: concurrent collections interleave their families. */
    @Tag(Launch.CASE)
    static class NotThreadSafe extends AbstractCollectorContractTest {
        @Override
        protected Collector collector() {
            return new Collector() {
                private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

                @Override
                public void collect(MetricWriter w) {
                    // a second collection while one runs finds a half-written state and repeats a family
                    good(w);
                    if (calls.incrementAndGet() > 2) {
                        good(w);
                    }
                }
            };
        }
    }

    @Tag(Launch.CASE)
    static class BadExporterName extends AbstractExporterContractTest {
        @Override
        protected Exporter exporter() {
            return new Exporter() {
                @Override
                public String name() {
                    return "My Exporter";
                }

                @Override
                public void collect(MetricWriter writer) {
                    good(writer);
                }
            };
        }
    }

    @Test
    void aWellFormedPagePassesEveryCheck() {
        assertThat(Launch.failed(Good.class)).isEmpty();
    }

    @Test
    void eachBrokenPageFailsTheExpositionRules() {
        for (Class<?> c : new Class<?>[] {SampleBeforeFamily.class, FamilyInTwoPieces.class, WrongSuffix.class, NegativeCounter.class,
                HistogramWithoutInf.class, DuplicateSeries.class, ReservedLabel.class}) {
            assertThat(Launch.failed(c)).as(c.getSimpleName()).contains("aCollectionKeepsTheExpositionRules");
        }
    }

    @Test
    void aCollectorThatChangesAcrossCollectionsFailsTheRepeatedAndConcurrentChecks() {
        assertThat(Launch.failed(NotThreadSafe.class)).contains("concurrentCollectionsEachKeepTheRules");
    }

    @Test
    void anExporterNameThatIsNotAPathSegmentFails() {
        assertThat(Launch.failed(BadExporterName.class)).containsExactly("theNameIsAPathSegmentOfLowerCaseLettersDigitsUnderscoresOrDashes");
    }
}
