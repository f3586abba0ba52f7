package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.remote.wire.prompb.Types;
import io.promethium.remote.wire.writev2.WriteV2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Holds the hand-written remote write 2.0 encoder and decoder against protobuf-java compiled from
 * the specification's message ({@code src/test/protobuf/io/prometheus/write/v2}): random requests
 * both ways (symbols, label references, samples or histograms, exemplars, metadata, created
 * timestamps), and malformed ones refused with a message naming what and where.
 */
class WriteV2ProtobufTest {

    private static final MetricType[] TYPES = {MetricType.UNKNOWN, MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM,
        MetricType.GAUGE_HISTOGRAM, MetricType.SUMMARY, MetricType.INFO, MetricType.STATESET};

    /** One series as seen: labels, samples as "t=bits", histograms as "t=api object", exemplars, metadata, created timestamp. */
    record Seen(Labels labels, List<String> samples, List<String> histograms, List<Exemplar> exemplars, Metadata metadata, long created) {
    }

    static List<Seen> decodeWithOurs(byte[] request) throws Exception {
        List<Seen> out = new ArrayList<>();
        new WriteV2Decoder().decode(request, request.length, (labels, ts, vs, count, hs, ex, exCount, metadata, created) -> {
            List<String> samples = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                samples.add(ts[i] + "=" + Double.doubleToRawLongBits(vs[i]));
            }
            List<String> histograms = new ArrayList<>();
            for (int i = 0; i < hs.size(); i++) {
                histograms.add(hs.timestamp(i) + "=" + (hs.isFloat(i) ? hs.floatHistogram(i) : hs.histogram(i)));
            }
            out.add(new Seen(labels, samples, histograms, List.of(Arrays.copyOf(ex, exCount)), metadata, created));
        });
        return out;
    }

    /** What protobuf-java's request says, resolved through its symbols independently of our decoder. */
    static List<Seen> expected(WriteV2.Request request) throws Exception {
        List<String> symbols = request.getSymbolsList();
        List<Seen> out = new ArrayList<>();
        for (WriteV2.TimeSeries ts : request.getTimeseriesList()) {
            List<String> samples = new ArrayList<>();
            for (WriteV2.Sample s : ts.getSamplesList()) {
                samples.add(s.getTimestamp() + "=" + Double.doubleToRawLongBits(s.getValue()));
            }
            List<String> histograms = new ArrayList<>();
            for (WriteV2.Histogram h : ts.getHistogramsList()) {
                // The 2.0 Histogram has the 1.0 message's fields and numbers.
                histograms.add(h.getTimestamp() + "=" + RemoteWireProtobufTest.toApi(Types.Histogram.parseFrom(h.toByteArray())));
            }
            List<Exemplar> exemplars = new ArrayList<>();
            for (WriteV2.Exemplar e : ts.getExemplarsList()) {
                exemplars.add(new Exemplar(labels(symbols, e.getLabelsRefsList()), e.getValue(), e.getTimestamp(), e.getTimestamp() != 0));
            }
            Metadata metadata = ts.hasMetadata() ? new Metadata(TYPES[ts.getMetadata().getTypeValue()], symbols.get(ts.getMetadata().getHelpRef()),
                    symbols.get(ts.getMetadata().getUnitRef())) : Metadata.UNKNOWN;
            out.add(new Seen(labels(symbols, ts.getLabelsRefsList()), samples, histograms, exemplars, metadata, ts.getCreatedTimestamp()));
        }
        return out;
    }

    private static Labels labels(List<String> symbols, List<Integer> refs) {
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < refs.size(); i += 2) {
            b.set(symbols.get(refs.get(i)), symbols.get(refs.get(i + 1)));
        }
        return b.build();
    }

    /** A random request as a sender following the specification writes it. */
    static WriteV2.Request randomRequest(Random random) throws Exception {
        Map<String, Integer> index = new LinkedHashMap<>();
        index.put("", 0);
        java.util.function.Function<String, Integer> ref = s -> index.computeIfAbsent(s, k -> index.size());
        WriteV2.Request.Builder request = WriteV2.Request.newBuilder();
        for (int s = 0; s < 1 + random.nextInt(20); s++) {
            WriteV2.TimeSeries.Builder ts = WriteV2.TimeSeries.newBuilder();
            Labels labels = Labels.of("__name__", "m_" + random.nextInt(4), "instance", "host-" + s, "path", "/\u00fc/" + random.nextInt(9));
            for (int i = 0; i < labels.size(); i++) {
                ts.addLabelsRefs(ref.apply(labels.name(i))).addLabelsRefs(ref.apply(labels.value(i)));
            }
            long t = random.nextLong(1, 2_000_000_000_000L);
            if (random.nextBoolean()) {
                for (int i = 0; i < 1 + random.nextInt(5); i++) {
                    ts.addSamples(WriteV2.Sample.newBuilder().setTimestamp(t + i).setValue(random.nextInt(5) == 0 ? Double.NaN : random.nextGaussian()));
                }
            } else {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    ts.addHistograms(WriteV2.Histogram.parseFrom(RemoteWireProtobufTest.randomHistogram(random, t + i).toByteArray()));
                }
            }
            if (random.nextBoolean()) {
                ts.addExemplars(WriteV2.Exemplar.newBuilder().addLabelsRefs(ref.apply("trace_id"))
                        .addLabelsRefs(ref.apply(Long.toHexString(random.nextLong()))).setValue(random.nextDouble()).setTimestamp(t));
            }
            if (random.nextBoolean()) {
                ts.setMetadata(WriteV2.Metadata.newBuilder().setTypeValue(random.nextInt(8)).setHelpRef(ref.apply("Help " + random.nextInt(3)))
                        .setUnitRef(random.nextBoolean() ? 0 : ref.apply("seconds")));
            }
            if (random.nextBoolean()) {
                ts.setCreatedTimestamp(t - 60_000);
            }
            request.addTimeseries(ts);
        }
        request.addAllSymbols(index.keySet());
        return request.build();
    }

    @Test
    void eachSamplesOwnStartTimestampWinsAndTheSeriesCreatedTimestampFillsTheRest() throws Exception {
        WriteV2.Histogram h = WriteV2.Histogram.newBuilder().setCountInt(0).setTimestamp(5_000).setStartTimestamp(4_000).build();
        byte[] request = WriteV2.Request.newBuilder().addSymbols("").addSymbols("__name__").addSymbols("c_total").addSymbols("h")
                .addTimeseries(WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2).setCreatedTimestamp(100)
                        .addSamples(WriteV2.Sample.newBuilder().setTimestamp(1_000).setValue(1).setStartTimestamp(900))
                        .addSamples(WriteV2.Sample.newBuilder().setTimestamp(2_000).setValue(2)))
                .addTimeseries(WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(3).addHistograms(h)
                        .addHistograms(h.toBuilder().setTimestamp(6_000).clearStartTimestamp()))
                .build().toByteArray();
        List<String> seen = new ArrayList<>();
        new WriteV2Decoder().decode(request, request.length, new WriteV2Decoder.Sink() {
            @Override
            public void series(Labels labels, long[] ts, double[] vs, long[] starts, int count, HistogramSamples hs, Exemplar[] ex,
                               int exCount, Metadata metadata, long created) {
                for (int i = 0; i < count; i++) {
                    seen.add(labels.metricName() + " " + ts[i] + "@" + starts[i]);
                }
                for (int i = 0; i < hs.size(); i++) {
                    seen.add(labels.metricName() + " " + hs.timestamp(i) + "@" + hs.startTimestamp(i));
                }
            }

            @Override
            public void series(Labels labels, long[] ts, double[] vs, int count, HistogramSamples hs, Exemplar[] ex, int exCount,
                               Metadata metadata, long created) {
                throw new AssertionError("the decoder calls the per-sample form");
            }
        });
        assertThat(seen).containsExactly("c_total 1000@900", "c_total 2000@100", "h 5000@4000", "h 6000@0");
    }

    @Test
    void requestsThatProtobufJavaEncodesDecodeToTheSameSeries() throws Exception {
        Random random = new Random(2_0);
        for (int round = 0; round < 200; round++) {
            WriteV2.Request request = randomRequest(random);
            assertThat(decodeWithOurs(request.toByteArray())).as("round %d", round).isEqualTo(expected(request));
        }
    }

    @Test
    void ourEncoderWritesEachSamplesStartTimestampAsTheNewestRevisionHasIt() throws Exception {
        WriteV2Encoder encoder = new WriteV2Encoder();
        encoder.beginSeries(Labels.of("__name__", "c_total"), null, 500);
        encoder.sample(1_000, 1, 500);
        encoder.sample(2_000, 2, 0);
        encoder.endSeries();
        encoder.beginSeries(Labels.of("__name__", "h"), null, 0);
        encoder.histogram(3_000, 2_500, Histogram.exponential(0, 0, 1, 1, 1, io.promethium.api.model.HistogramSpans.EMPTY));
        encoder.histogram(4_000, 3_500, FloatHistogram.exponential(0, 0, 1, 1, 1, io.promethium.api.model.HistogramSpans.EMPTY));
        encoder.endSeries();
        encoder.finish();
        WriteV2.Request parsed = WriteV2.Request.parseFrom(Arrays.copyOf(encoder.buffer(), encoder.size()));
        assertThat(parsed.getTimeseries(0).getCreatedTimestamp()).as("the older revision's field, for older receivers").isEqualTo(500);
        assertThat(parsed.getTimeseries(0).getSamplesList()).extracting(WriteV2.Sample::getStartTimestamp).containsExactly(500L, 0L);
        assertThat(parsed.getTimeseries(1).getHistogramsList()).extracting(WriteV2.Histogram::getStartTimestamp).containsExactly(2_500L, 3_500L);
    }

    @Test
    void requestsOurEncoderWritesParseInProtobufJavaWithTheSymbolsFirstAndStartingEmpty() throws Exception {
        Random random = new Random(3);
        WriteV2Encoder encoder = new WriteV2Encoder();
        for (int round = 0; round < 100; round++) {
            encoder.reset();
            List<Seen> written = new ArrayList<>();
            for (int s = 0; s < 1 + random.nextInt(10); s++) {
                Labels labels = Labels.of("__name__", "m" + random.nextInt(3), "s", Integer.toString(s));
                Metadata metadata = random.nextBoolean() ? null : new Metadata(TYPES[1 + random.nextInt(7)], "help " + s, s % 2 == 0 ? "" : "bytes");
                long created = random.nextBoolean() ? 0 : 1_000 + s;
                encoder.beginSeries(labels, metadata, created);
                List<String> samples = new ArrayList<>();
                List<String> histograms = new ArrayList<>();
                long t = random.nextLong(0, 2_000_000_000_000L);
                if (random.nextBoolean()) {
                    for (int i = 0; i < 1 + random.nextInt(4); i++) {
                        double v = random.nextGaussian();
                        encoder.sample(t + i, v);
                        samples.add((t + i) + "=" + Double.doubleToRawLongBits(v));
                    }
                } else {
                    Object h = RemoteWireProtobufTest.toApi(RemoteWireProtobufTest.randomHistogram(random, t));
                    if (h instanceof Histogram ih) {
                        encoder.histogram(t, ih);
                    } else {
                        encoder.histogram(t, (FloatHistogram) h);
                    }
                    histograms.add(t + "=" + h);
                }
                List<Exemplar> exemplars = new ArrayList<>();
                if (random.nextBoolean()) {
                    Exemplar e = new Exemplar(Labels.of("trace_id", "t" + random.nextInt(1000)), 0.5, t, true);
                    encoder.exemplar(e.labels(), e.value(), e.timestamp());
                    exemplars.add(e);
                }
                encoder.endSeries();
                written.add(new Seen(labels, samples, histograms, exemplars, metadata == null ? Metadata.UNKNOWN : metadata, created));
            }
            encoder.finish();
            byte[] body = Arrays.copyOf(encoder.buffer(), encoder.size());
            WriteV2.Request parsed = WriteV2.Request.parseFrom(ReferenceSnappy.decode(Snappy.encode(body, body.length)));
            assertThat(parsed.getSymbols(0)).isEmpty();
            assertThat(parsed.getSymbolsList()).doesNotHaveDuplicates();
            assertThat(expected(parsed)).as("round %d", round).isEqualTo(written);
            // The symbols come first in the bytes, as Prometheus (and field order) put them.
            assertThat(body[0]).isEqualTo((byte) (4 << 3 | 2));
            assertThat(decodeWithOurs(body)).isEqualTo(written);
        }
    }

    private static WriteV2.Request.Builder oneSeries(int... refs) {
        WriteV2.TimeSeries.Builder ts = WriteV2.TimeSeries.newBuilder().addSamples(WriteV2.Sample.newBuilder().setTimestamp(1).setValue(1));
        for (int r : refs) {
            ts.addLabelsRefs(r);
        }
        return WriteV2.Request.newBuilder().addSymbols("").addSymbols("__name__").addSymbols("up").addTimeseries(ts);
    }

    @Test
    void malformedRequestsAreRefusedNamingWhatAndWhere() {
        assertThatThrownBy(() -> decodeWithOurs(oneSeries(1, 7).build().toByteArray()))
                .hasMessageContaining("timeseries 0").hasMessageContaining("symbol reference 7 out of range").hasMessageContaining("3 entries");
        assertThatThrownBy(() -> decodeWithOurs(oneSeries(1, 2, 1).build().toByteArray()))
                .hasMessageContaining("timeseries 0").hasMessageContaining("odd number of labels_refs");
        assertThatThrownBy(() -> decodeWithOurs(oneSeries(0, 2).build().toByteArray())).hasMessageContaining("empty label name");
        assertThatThrownBy(() -> decodeWithOurs(WriteV2.Request.newBuilder().addSymbols("x").addTimeseries(WriteV2.TimeSeries.newBuilder())
                .build().toByteArray())).hasMessageContaining("symbols table must start with an empty string");
        WriteV2.Request both = oneSeries(1, 2).setTimeseries(0, oneSeries(1, 2).getTimeseries(0).toBuilder()
                .addHistograms(WriteV2.Histogram.newBuilder().setCountInt(0).setTimestamp(2))).build();
        assertThatThrownBy(() -> decodeWithOurs(both.toByteArray())).hasMessageContaining("timeseries 0").hasMessageContaining("both samples and histograms");
        WriteV2.Request badMetadata = oneSeries(1, 2).setTimeseries(0, oneSeries(1, 2).getTimeseries(0).toBuilder()
                .setMetadata(WriteV2.Metadata.newBuilder().setHelpRef(9))).build();
        assertThatThrownBy(() -> decodeWithOurs(badMetadata.toByteArray())).hasMessageContaining("metadata help_ref")
                .hasMessageContaining("symbol reference 9");
        // A 1.0 WriteRequest sent with the 2.0 content type.
        byte[] v1 = io.promethium.remote.wire.prompb.Remote.WriteRequest.newBuilder().addTimeseries(Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("up"))).build().toByteArray();
        assertThatThrownBy(() -> decodeWithOurs(v1)).hasMessageContaining("reserved").hasMessageContaining("prometheus.WriteRequest");
        byte[] whole = oneSeries(1, 2).build().toByteArray();
        byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
        assertThatThrownBy(() -> decodeWithOurs(truncated)).hasMessageContaining("proto:");
    }
}
