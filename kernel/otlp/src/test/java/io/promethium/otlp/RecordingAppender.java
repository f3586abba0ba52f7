package io.promethium.otlp;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An appender that keeps what it is given, in order, for the translation tests. */
final class RecordingAppender implements Appender {

    record Sample(Labels labels, long start, long t, double v, Histogram h) {
    }

    final List<Sample> samples = new ArrayList<>();
    final Map<Labels, List<Exemplar>> exemplars = new LinkedHashMap<>();
    final Map<Labels, Metadata> metadata = new LinkedHashMap<>();
    boolean committed;
    boolean rolledBack;

    @Override
    public long append(long ref, Labels labels, long timestamp, double value) {
        samples.add(new Sample(labels, 0, timestamp, value, null));
        return 1;
    }

    @Override
    public long appendWithStart(long ref, Labels labels, long startTimestamp, long timestamp, double value) {
        samples.add(new Sample(labels, startTimestamp, timestamp, value, null));
        return 1;
    }

    @Override
    public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
        samples.add(new Sample(labels, 0, timestamp, Double.NaN, histogram.copy()));
        return 1;
    }

    @Override
    public long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, Histogram histogram) {
        samples.add(new Sample(labels, startTimestamp, timestamp, Double.NaN, histogram.copy()));
        return 1;
    }

    @Override
    public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
        exemplars.computeIfAbsent(labels, k -> new ArrayList<>()).add(exemplar);
        return ref;
    }

    @Override
    public long updateMetadata(long ref, Labels labels, Metadata m) {
        metadata.put(labels, m);
        return ref;
    }

    @Override
    public void commit() {
        committed = true;
    }

    @Override
    public void rollback() {
        rolledBack = true;
    }

    /** The samples of one series, by its labels in Prometheus's text form. */
    List<Sample> of(String series) {
        return samples.stream().filter(s -> s.labels().toString().equals(series)).toList();
    }

    List<String> series() {
        return samples.stream().map(s -> s.labels().toString()).distinct().sorted().toList();
    }
}
