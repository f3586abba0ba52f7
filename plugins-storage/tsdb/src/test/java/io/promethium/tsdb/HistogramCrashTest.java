package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ExemplarQueryable.SeriesExemplars;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.ValueType;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process appending native histograms, exemplars and metadata with SIGKILL and checks
 * that every acknowledged commit is there after reopening (WAL records 4, 6 and 7 replayed).
 */
class HistogramCrashTest {
    static final Labels SERIES = Labels.of("__name__", "crash_latency_seconds", "job", "crash");

    @TempDir
    Path dir;

    /** The child: one histogram with an exemplar per commit, forever, printing each acknowledged batch. */
    public static void main(String[] args) {
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(Paths.get(args[0])).withCompactionInterval(java.time.Duration.ZERO))) {
            long ref = 0;
            for (int batch = 0; ; batch++) {
                Appender app = db.appender();
                ref = app.appendHistogram(ref, SERIES, batch * 1000L, Histograms.counter(batch));
                app.appendExemplar(ref, SERIES, new Exemplar(Labels.of("trace_id", "t" + batch), batch, batch * 1000L, true));
                if (batch == 0) {
                    app.updateMetadata(ref, SERIES, new Metadata(MetricType.HISTOGRAM, "Crash latency.", "seconds"));
                }
                app.commit();
                System.out.println("ack " + batch);
                System.out.flush();
            }
        }
    }

    @Test
    void everyAcknowledgedHistogramExemplarAndMetadataSurvivesSigkill() throws Exception {
        int lastAck = CrashChild.killAfterAcks(HistogramCrashTest.class, 300, dir.toString());
        try (Tsdb db = Tsdb.open(options(dir)); Querier q = db.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "crash_latency_seconds")));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            for (int b = 0; b <= lastAck; b++) {
                assertThat(it.next()).as("sample %d", b).isTrue();
                assertThat(it.timestamp()).isEqualTo(b * 1000L);
                assertThat(it.valueType()).isEqualTo(ValueType.HISTOGRAM);
                Histogram h = it.histogram();
                assertThat(h.count()).isEqualTo(Histograms.counter(b).count());
                assertThat(h.positiveDeltas()).containsExactly(Histograms.counter(b).positiveDeltas());
            }
            List<SeriesExemplars> ex = db.selectExemplars(0, Long.MAX_VALUE, List.of(List.of(Matcher.equal("job", "crash"))));
            assertThat(ex).hasSize(1);
            assertThat(ex.get(0).exemplars().size()).isGreaterThan(lastAck);
            assertThat(db.seriesMetadata().get("crash_latency_seconds")).containsExactly(
                    new Metadata(MetricType.HISTOGRAM, "Crash latency.", "seconds"));
        }
    }
}
