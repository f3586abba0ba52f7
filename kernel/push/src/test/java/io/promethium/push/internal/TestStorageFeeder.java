package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.testsupport.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class TestStorageFeeder {

    record Sample(Labels labels, long time, double value) {
    }

    /** Records committed samples and metadata. */
    static final class RecordingStorage implements Storage {
        final List<Sample> samples = new ArrayList<>();
        final List<Metadata> metadata = new ArrayList<>();
        /** Commits fail as on a full disk while set. */
        boolean full;
        /** Appenders opened. */
        int appenders;

        @Override
        public Appender appender() {
            appenders++;
            List<Sample> batch = new ArrayList<>();
            return new Appender() {
                @Override
                public long append(long ref, Labels labels, long timestamp, double value) {
                    batch.add(new Sample(labels, timestamp, value));
                    return labels.stableHash() | 1;
                }

                @Override
                public long updateMetadata(long ref, Labels labels, Metadata m) {
                    metadata.add(m);
                    return ref;
                }

                @Override
                public void commit() {
                    if (full) {
                        throw new StorageException(StorageException.Reason.IO, "WAL write failed: No space left on device");
                    }
                    samples.addAll(batch);
                }

                @Override
                public void rollback() {
                    batch.clear();
                }
            };
        }

        @Override
        public Querier querier(long minTime, long maxTime) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long startTime() {
            return Long.MAX_VALUE;
        }

        List<Sample> at(long time) {
            return samples.stream().filter(s -> s.time() == time).toList();
        }
    }

    private static void push(GroupStore store, GroupingKey key, String body) throws PushException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        store.push(key, TextBodyParser.parse(b, b.length), true, 0);
    }

    @Test
    void storesThePushedPageWithHonoredLabelsAndMarksDeletedGroupsStale() throws Exception {
        GroupStore store = new GroupStore(new GroupStore.Limits(10, 100), GroupStore::wallClockNanos);
        push(store, GroupingKey.of("job", "batch", "instance", "host1"), "# HELP done Done.\n# TYPE done counter\ndone 5\n");
        push(store, GroupingKey.of("job", "other"), "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n");
        RecordingStorage storage = new RecordingStorage();
        StorageFeeder feeder = new StorageFeeder(store, true, "pushgateway", "localhost:9090", new PushMetrics());
        assertThat(feeder.tick(storage, 1000)).isEqualTo(9);
        assertThat(storage.at(1000)).contains(
                new Sample(Labels.of("__name__", "done", "job", "batch", "instance", "host1"), 1000, 5),
                new Sample(Labels.of("__name__", "h_bucket", "job", "other", "le", "+Inf"), 1000, 1),
                // Stored as Prometheus 3 stores a scraped bucket: le="1" is le="1.0".
                new Sample(Labels.of("__name__", "h_bucket", "job", "other", "le", "1.0"), 1000, 1),
                new Sample(Labels.of("__name__", "push_failure_time_seconds", "job", "other"), 1000, 0));
        assertThat(storage.metadata).contains(new Metadata(io.promethium.api.model.MetricType.COUNTER, "Done.", ""));

        store.delete(GroupingKey.of("job", "other"));
        feeder.tick(storage, 2000);
        List<Sample> second = storage.at(2000);
        assertThat(second).contains(new Sample(Labels.of("__name__", "done", "job", "batch", "instance", "host1"), 2000, 5));
        assertThat(second).filteredOn(s -> s.labels().get("job").equals("other"))
                .hasSize(6).allMatch(s -> StaleMarker.isStale(s.value()));
        feeder.tick(storage, 3000);
        assertThat(storage.at(3000)).noneMatch(s -> s.labels().get("job").equals("other"));
    }

    @Test
    void withoutHonorLabelsThePushedJobAndInstanceAreExported() throws Exception {
        GroupStore store = new GroupStore(new GroupStore.Limits(10, 100), GroupStore::wallClockNanos);
        push(store, GroupingKey.of("job", "batch", "instance", "host1"), "x 1\n");
        push(store, GroupingKey.of("job", "noinstance"), "y 2\n");
        RecordingStorage storage = new RecordingStorage();
        new StorageFeeder(store, false, "pushgateway", "localhost:9090", new PushMetrics()).tick(storage, 1000);
        assertThat(storage.samples).contains(
                new Sample(Labels.of("__name__", "x", "job", "pushgateway", "instance", "localhost:9090",
                        "exported_job", "batch", "exported_instance", "host1"), 1000, 1),
                new Sample(Labels.of("__name__", "y", "job", "pushgateway", "instance", "localhost:9090",
                        "exported_job", "noinstance"), 1000, 2));
    }

    @Test
    void ticksTheStorageCannotCommitAreCountedAsRejectedLoggedOnceAndTheGroupsAreStoredAgainWhenItCan() throws Exception {
        GroupStore store = new GroupStore(new GroupStore.Limits(10, 100), GroupStore::wallClockNanos);
        push(store, GroupingKey.of("job", "batch"), "done 5\n");
        RecordingStorage storage = new RecordingStorage();
        PushMetrics metrics = new PushMetrics();
        StorageFeeder feeder = new StorageFeeder(store, true, "pushgateway", "localhost:9090", metrics);
        try (LogCapture log = new LogCapture(StorageFeeder.class.getName(), Level.INFO)) {
            storage.full = true;
            assertThat(feeder.tick(storage, 1000)).isZero();
            assertThat(feeder.tick(storage, 2000)).isZero();
            assertThat(storage.samples).isEmpty();
            // Each tick's samples: done, push_time_seconds, push_failure_time_seconds.
            assertThat(metrics.storageRejected.sum()).isEqualTo(6);
            assertThat(log.lines()).singleElement().asString()
                    .contains("storing the pushed groups failed: WAL write failed: No space left on device");
            assertThat(log.lines(Level.WARNING)).hasSize(1);

            storage.full = false;
            assertThat(feeder.tick(storage, 3000)).isEqualTo(3);
            assertThat(storage.samples).contains(new Sample(Labels.of("__name__", "done", "job", "batch"), 3000, 5));
            assertThat(metrics.storedSamples.sum()).isEqualTo(3);
            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .contains("works again after: WAL write failed: No space left on device");
        }
    }

    @Test
    void anIdleTickOpensNoBatchUntilAGroupIsPushedAndAfterItsStaleMarkers() throws Exception {
        GroupStore store = new GroupStore(new GroupStore.Limits(10, 100), GroupStore::wallClockNanos);
        RecordingStorage storage = new RecordingStorage();
        StorageFeeder feeder = new StorageFeeder(store, true, "pushgateway", "localhost:9090", new PushMetrics());
        assertThat(feeder.tick(storage, 1000)).isZero();
        assertThat(storage.appenders).isZero();

        push(store, GroupingKey.of("job", "batch"), "done 5\n");
        assertThat(feeder.tick(storage, 2000)).isPositive();
        store.delete(GroupingKey.of("job", "batch"));
        feeder.tick(storage, 3000);
        assertThat(storage.at(3000)).isNotEmpty().allMatch(s -> StaleMarker.isStale(s.value()));
        int opened = storage.appenders;
        feeder.tick(storage, 4000);
        assertThat(storage.appenders).isEqualTo(opened);
    }

    @Test
    void nothingIsAppendedWhileThereIsNoStorage() {
        GroupStore store = new GroupStore(new GroupStore.Limits(10, 100), GroupStore::wallClockNanos);
        assertThat(new StorageFeeder(store, true, "j", "i", new PushMetrics()).tick(null, 1)).isZero();
    }
}
