package io.promethium.exporter.jvm.internal;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;

/**
 * Writes the Java client's metric snapshots into a {@link MetricWriter} with the names the
 * client's own text format 0.0.4 writer gives them ({@code _total} on counters, {@code _info}
 * on info metrics, {@code _count}/{@code _sum}/{@code _bucket} on distributions).
 */
final class SnapshotWriter {

    private SnapshotWriter() {
    }

    static void write(MetricSnapshots snapshots, MetricWriter out) {
        for (MetricSnapshot snapshot : snapshots) {
            write(snapshot, out);
        }
    }

    static void write(MetricSnapshot snapshot, MetricWriter out) {
        MetricMetadata meta = snapshot.getMetadata();
        String name = meta.getPrometheusName();
        String help = meta.getHelp() == null ? "" : meta.getHelp();
        String unit = meta.hasUnit() ? meta.getUnit().toString() : "";
        if (snapshot.getDataPoints().isEmpty()) {
            return;
        }
        if (snapshot instanceof CounterSnapshot counter) {
            String total = name + "_total";
            out.family(total, MetricType.COUNTER, help, unit);
            for (CounterSnapshot.CounterDataPointSnapshot p : counter.getDataPoints()) {
                out.sample(total, labels(p), p.getValue());
            }
        } else if (snapshot instanceof GaugeSnapshot gauge) {
            out.family(name, MetricType.GAUGE, help, unit);
            for (GaugeSnapshot.GaugeDataPointSnapshot p : gauge.getDataPoints()) {
                out.sample(name, labels(p), p.getValue());
            }
        } else if (snapshot instanceof UnknownSnapshot unknown) {
            out.family(name, MetricType.UNKNOWN, help, unit);
            for (UnknownSnapshot.UnknownDataPointSnapshot p : unknown.getDataPoints()) {
                out.sample(name, labels(p), p.getValue());
            }
        } else if (snapshot instanceof InfoSnapshot info) {
            String infoName = name + "_info";
            out.family(infoName, MetricType.INFO, help, "");
            for (InfoSnapshot.InfoDataPointSnapshot p : info.getDataPoints()) {
                out.sample(infoName, labels(p), 1);
            }
        } else if (snapshot instanceof SummarySnapshot summary) {
            out.family(name, MetricType.SUMMARY, help, unit);
            for (SummarySnapshot.SummaryDataPointSnapshot p : summary.getDataPoints()) {
                Labels labels = labels(p);
                for (Quantile q : p.getQuantiles()) {
                    out.sample(name, labels.toBuilder().set("quantile", format(q.getQuantile())).build(), q.getValue());
                }
                if (p.hasCount()) {
                    out.sample(name + "_count", labels, p.getCount());
                }
                if (p.hasSum()) {
                    out.sample(name + "_sum", labels, p.getSum());
                }
            }
        } else if (snapshot instanceof HistogramSnapshot histogram) {
            out.family(name, MetricType.HISTOGRAM, help, unit);
            for (HistogramSnapshot.HistogramDataPointSnapshot p : histogram.getDataPoints()) {
                Labels labels = labels(p);
                long cumulative = 0;
                if (p.hasClassicHistogramData()) {
                    for (ClassicHistogramBucket b : p.getClassicBuckets()) {
                        cumulative += b.getCount();
                        out.sample(name + "_bucket", labels.toBuilder().set("le", format(b.getUpperBound())).build(), cumulative);
                    }
                }
                if (p.hasCount()) {
                    out.sample(name + "_count", labels, p.getCount());
                }
                if (p.hasSum()) {
                    out.sample(name + "_sum", labels, p.getSum());
                }
            }
        } else if (snapshot instanceof StateSetSnapshot stateSet) {
            out.family(name, MetricType.STATESET, help, "");
            for (StateSetSnapshot.StateSetDataPointSnapshot p : stateSet.getDataPoints()) {
                Labels labels = labels(p);
                for (int i = 0; i < p.size(); i++) {
                    out.sample(name, labels.toBuilder().set(name, p.getName(i)).build(), p.isTrue(i) ? 1 : 0);
                }
            }
        }
    }

    private static Labels labels(DataPointSnapshot point) {
        io.prometheus.metrics.model.snapshots.Labels in = point.getLabels();
        if (in.isEmpty()) {
            return Labels.EMPTY;
        }
        Labels.Builder out = Labels.builder();
        for (int i = 0; i < in.size(); i++) {
            out.set(in.getPrometheusName(i), in.getValue(i));
        }
        return out.build();
    }

    /** Bucket bounds and quantiles as Prometheus writes them ({@code +Inf}, {@code 0.5}, {@code 1.0}). */
    static String format(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        return Double.toString(v);
    }
}
