package io.promethium.storage.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.StorageException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilityRouterTest {

    private static final Labels SERIES = Labels.of("__name__", "req_total", "job", "api");
    private static final FloatHistogram HISTOGRAM =
            FloatHistogram.exponential(0, 0.001, 1, 3.5, 2, HistogramSpans.pairs(0, 1), 2.0);

    /** Records which appender calls reached it. */
    private static class Recording implements Storage {
        final List<String> calls = new ArrayList<>();

        @Override
        public Appender appender() {
            return new Appender() {
                @Override
                public long append(long ref, Labels labels, long timestamp, double value) {
                    calls.add("append " + timestamp);
                    return 1;
                }

                @Override
                public long appendWithStart(long ref, Labels labels, long st, long timestamp, double value) {
                    calls.add("appendWithStart " + st + " " + timestamp);
                    return 1;
                }

                @Override
                public long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram h) {
                    calls.add("appendHistogram " + timestamp);
                    return 1;
                }

                @Override
                public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
                    calls.add("appendExemplar");
                    return ref;
                }

                @Override
                public long updateMetadata(long ref, Labels labels, Metadata metadata) {
                    calls.add("updateMetadata");
                    return ref;
                }

                @Override
                public void commit() {
                    calls.add("commit");
                }

                @Override
                public void rollback() {
                    calls.add("rollback");
                }
            };
        }

        @Override
        public Querier querier(long minTime, long maxTime) {
            return Querier.empty();
        }

        @Override
        public long startTime() {
            return Long.MAX_VALUE;
        }
    }

    private static final class Declaring extends Recording implements DeclaredCapabilities {
        private final Set<StorageCapability> kept;

        Declaring(Set<StorageCapability> kept) {
            this.kept = kept;
        }

        @Override
        public Set<StorageCapability> capabilities() {
            return kept;
        }
    }

    @Test
    void undeclaredKindsNeverReachTheStorageAndEachDropIsToldOnce() {
        Declaring storage = new Declaring(EnumSet.of(StorageCapability.EXEMPLARS));
        List<String> log = new ArrayList<>();
        CapabilityRouter router = new CapabilityRouter(storage, log::add);
        assertThat(log).singleElement().asString()
                .contains(Declaring.class.getName(), "keeps floats and [EXEMPLARS]", "not kept: [NATIVE_HISTOGRAMS, METADATA, START_TIMESTAMPS]");

        Appender app = router.appender();
        app.appendWithStart(0, SERIES, 500, 1000, 1);
        app.appendWithStart(0, SERIES, 500, 2000, 2);
        app.appendExemplar(1, SERIES, new Exemplar(Labels.of("trace_id", "a"), 1, 1000, true));
        app.updateMetadata(1, SERIES, new Metadata(MetricType.COUNTER, "Requests.", "", "req"));
        app.updateMetadata(1, SERIES, new Metadata(MetricType.COUNTER, "Requests.", "", "req"));
        StorageException refused = catchThrowableOfType(StorageException.class, () -> app.appendHistogram(0, SERIES, 3000, HISTOGRAM));
        app.commit();

        assertThat(refused).as("a native histogram is refused, not lost").isNotNull();
        assertThat(refused.reason()).isEqualTo(StorageException.Reason.UNSUPPORTED);
        assertThat(refused.getMessage()).contains(Declaring.class.getName(), "does not store native histograms");
        assertThat(storage.calls).containsExactly("append 1000", "append 2000", "appendExemplar", "commit");
        assertThat(log).hasSize(3);
        assertThat(log.get(1)).contains("dropped START_TIMESTAMPS of {__name__=\"req_total\"", Declaring.class.getName());
        assertThat(log.get(2)).contains("dropped METADATA");
    }

    @Test
    void aStorageThatKeepsEverythingGetsItsOwnAppender() {
        Declaring storage = new Declaring(EnumSet.allOf(StorageCapability.class));
        List<String> log = new ArrayList<>();
        CapabilityRouter router = new CapabilityRouter(storage, log::add);
        Appender app = router.appender();
        app.appendWithStart(0, SERIES, 500, 1000, 1);
        app.appendHistogram(0, SERIES, 2000, HISTOGRAM);
        assertThat(storage.calls).containsExactly("appendWithStart 500 1000", "appendHistogram 2000");
        assertThat(log).isEmpty();
        assertThat(router.capabilities()).isEqualTo(EnumSet.allOf(StorageCapability.class));
    }

    @Test
    void aStorageThatDeclaresNothingGetsEveryCallAndAWarningAtRegistration() {
        Recording storage = new Recording();
        List<String> log = new ArrayList<>();
        CapabilityRouter router = new CapabilityRouter(storage, log::add);
        assertThat(log).singleElement().asString().contains(Recording.class.getName(), "does not declare what it keeps");
        assertThat(router.declared()).isFalse();
        Appender app = router.appender();
        app.appendWithStart(0, SERIES, 500, 1000, 1);
        app.updateMetadata(1, SERIES, new Metadata(MetricType.COUNTER, "Requests.", "", "req"));
        assertThat(storage.calls).containsExactly("appendWithStart 500 1000", "updateMetadata");
    }

    @Test
    void theViewDeclaresWhatItsPrimaryKeeps() {
        StorageViewComponent view = new StorageViewComponent(new Declaring(EnumSet.of(StorageCapability.METADATA)));
        assertThat(view.capabilities()).containsExactly(StorageCapability.METADATA);
    }
}
