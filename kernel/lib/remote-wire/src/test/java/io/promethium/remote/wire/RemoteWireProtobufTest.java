package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.remote.wire.prompb.Remote;
import io.promethium.remote.wire.prompb.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Holds the hand-written remote write / remote read wire code against protobuf-java compiled from
 * Prometheus's published message definitions ({@code src/test/protobuf}), with aircompressor's
 * snappy as the other side: the decoders read what protobuf-java writes (and what a real
 * Prometheus wrote), and protobuf-java reads what the encoders write. The web bundle's endpoint
 * tests use the same generated classes from this module's test jar.
 */
public class RemoteWireProtobufTest {

    /** The stale marker's NaN, whose bits must survive the trip. */
    private static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

    /** One decoded series, values compared by their bits; histograms as "t=" + the api object (Histogram or FloatHistogram). */
    private record DecodedSeries(Labels labels, List<Long> timestamps, List<Long> valueBits, List<Exemplar> exemplars,
                                 List<String> histograms) {
        DecodedSeries(Labels labels, List<Long> timestamps, List<Long> valueBits, List<Exemplar> exemplars) {
            this(labels, timestamps, valueBits, exemplars, List.of());
        }
    }

    private static List<DecodedSeries> decodeWithOurs(byte[] request) throws Exception {
        List<DecodedSeries> out = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        new WriteRequestDecoder().decode(request, request.length, new WriteRequestDecoder.Sink() {
            @Override
            public void histograms(Labels labels, HistogramSamples h) {
                for (int i = 0; i < h.size(); i++) {
                    pending.add(h.timestamp(i) + "=" + (h.isFloat(i) ? h.floatHistogram(i) : h.histogram(i)));
                }
            }

            @Override
            public void series(Labels labels, long[] ts, double[] vs, int count, Exemplar[] exemplars, int exemplarCount) {
                List<Long> t = new ArrayList<>();
                List<Long> v = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    t.add(ts[i]);
                    v.add(Double.doubleToRawLongBits(vs[i]));
                }
                out.add(new DecodedSeries(labels, t, v, List.of(Arrays.copyOf(exemplars, exemplarCount)), List.copyOf(pending)));
                pending.clear();
            }
        });
        return out;
    }

    /** The api object a protobuf-java histogram stands for, built independently of {@link HistogramCodec}. */
    public static Object toApi(Types.Histogram h) {
        HistogramSpans pos = spans(h.getPositiveSpansList());
        HistogramSpans neg = spans(h.getNegativeSpansList());
        double[] custom = h.getCustomValuesList().stream().mapToDouble(Double::doubleValue).toArray();
        CounterResetHint hint = CounterResetHint.values()[h.getResetHintValue()];
        if (h.hasCountFloat() || h.hasZeroCountFloat()) {
            return new FloatHistogram(hint, h.getSchema(), h.getZeroThreshold(), h.getZeroCountFloat(), h.getCountFloat(), h.getSum(), pos,
                    h.getPositiveCountsList().stream().mapToDouble(Double::doubleValue).toArray(), neg,
                    h.getNegativeCountsList().stream().mapToDouble(Double::doubleValue).toArray(), custom);
        }
        return new Histogram(hint, h.getSchema(), h.getZeroThreshold(), h.getZeroCountInt(), h.getCountInt(), h.getSum(), pos,
                h.getPositiveDeltasList().stream().mapToLong(Long::longValue).toArray(), neg,
                h.getNegativeDeltasList().stream().mapToLong(Long::longValue).toArray(), custom);
    }

    private static HistogramSpans spans(List<Types.BucketSpan> spans) {
        int[] offsets = new int[spans.size()];
        int[] lengths = new int[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            offsets[i] = spans.get(i).getOffset();
            lengths[i] = spans.get(i).getLength();
        }
        return HistogramSpans.of(offsets, lengths);
    }

    /** A random integer or float histogram (exponential or custom buckets) in protobuf-java. */
    public static Types.Histogram randomHistogram(Random random, long t) {
        Types.Histogram.Builder b = Types.Histogram.newBuilder().setTimestamp(t).setSum(random.nextGaussian() * 100)
                .setResetHint(Types.Histogram.ResetHint.forNumber(random.nextInt(4)));
        boolean custom = random.nextInt(4) == 0;
        boolean floats = random.nextBoolean();
        if (custom) {
            b.setSchema(-53);
            double bound = random.nextInt(10) - 5;
            for (int i = 0; i < 1 + random.nextInt(6); i++) {
                b.addCustomValues(bound);
                bound += 0.5 + random.nextInt(10);
            }
        } else {
            b.setSchema(random.nextInt(13) - 4).setZeroThreshold(random.nextBoolean() ? 0 : 1e-128);
        }
        for (int side = 0; side < (custom ? 1 : 2); side++) {
            int offset = random.nextInt(21) - 10;
            for (int s = 0; s < random.nextInt(4); s++) {
                int length = 1 + random.nextInt(5);
                Types.BucketSpan span = Types.BucketSpan.newBuilder().setOffset(s == 0 ? offset : random.nextInt(4)).setLength(length).build();
                if (side == 0) {
                    b.addPositiveSpans(span);
                } else {
                    b.addNegativeSpans(span);
                }
                for (int i = 0; i < length; i++) {
                    if (floats) {
                        double c = random.nextInt(3) == 0 ? 0.5 * random.nextInt(100) : random.nextInt(1000);
                        if (side == 0) {
                            b.addPositiveCounts(c);
                        } else {
                            b.addNegativeCounts(c);
                        }
                    } else {
                        long d = random.nextInt(200) - 100;
                        if (side == 0) {
                            b.addPositiveDeltas(d);
                        } else {
                            b.addNegativeDeltas(d);
                        }
                    }
                }
            }
        }
        if (floats) {
            b.setCountFloat(random.nextInt(10_000) / 4.0).setZeroCountFloat(custom ? 0 : random.nextInt(7));
        } else {
            b.setCountInt(random.nextLong(0, Long.MAX_VALUE)).setZeroCountInt(custom ? 0 : random.nextInt(7));
        }
        return b.build();
    }

    private static List<DecodedSeries> expected(Remote.WriteRequest request) {
        List<DecodedSeries> out = new ArrayList<>();
        for (Types.TimeSeries ts : request.getTimeseriesList()) {
            List<Long> t = new ArrayList<>();
            List<Long> v = new ArrayList<>();
            for (Types.Sample s : ts.getSamplesList()) {
                t.add(s.getTimestamp());
                v.add(Double.doubleToRawLongBits(s.getValue()));
            }
            List<Exemplar> exemplars = new ArrayList<>();
            for (Types.Exemplar e : ts.getExemplarsList()) {
                exemplars.add(new Exemplar(labels(e.getLabelsList()), e.getValue(), e.getTimestamp(), true));
            }
            List<String> histograms = new ArrayList<>();
            for (Types.Histogram h : ts.getHistogramsList()) {
                histograms.add(h.getTimestamp() + "=" + toApi(h));
            }
            out.add(new DecodedSeries(labels(ts.getLabelsList()), t, v, exemplars, histograms));
        }
        return out;
    }

    private static Labels labels(List<Types.Label> labels) {
        Labels.Builder b = Labels.builder();
        for (Types.Label l : labels) {
            b.set(l.getName(), l.getValue());
        }
        return b.build();
    }

    private static Types.Label label(String name, String value) {
        return Types.Label.newBuilder().setName(name).setValue(value).build();
    }

    /** Series with every kind of value, exemplars, native histograms and fields the decoder must skip. */
    private static Remote.WriteRequest randomWriteRequest(Random random) {
        double[] specials = {0.0, -0.0, 1.5, -2.25e-300, 1e308, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, STALE,
            Double.MIN_VALUE};
        Remote.WriteRequest.Builder request = Remote.WriteRequest.newBuilder();
        int seriesCount = 1 + random.nextInt(40);
        for (int s = 0; s < seriesCount; s++) {
            Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "metric_" + random.nextInt(5)))
                    .addLabels(label("instance", "host-" + s + ":9100"))
                    .addLabels(label("path", "/ü/\u6f22\u5b57/" + random.nextInt(1000) + "\uD83D\uDE00"));
            long t = random.nextLong(-1_000_000_000L, 2_000_000_000_000L);
            int samples = random.nextInt(30);
            for (int i = 0; i < samples; i++) {
                double v = random.nextInt(4) == 0 ? specials[random.nextInt(specials.length)] : random.nextGaussian() * 1e6;
                ts.addSamples(Types.Sample.newBuilder().setValue(v).setTimestamp(t));
                t += 1 + random.nextInt(60_000);
            }
            if (random.nextInt(3) == 0) {
                ts.addExemplars(Types.Exemplar.newBuilder().addLabels(label("trace_id", Long.toHexString(random.nextLong())))
                        .setValue(random.nextDouble()).setTimestamp(t));
            }
            if (random.nextInt(3) == 0) {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    ts.addHistograms(randomHistogram(random, t + i));
                }
            }
            if (random.nextInt(5) == 0) {
                // A field this version of the protocol does not define: readers skip it.
                ts.setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(random.nextLong()).build())
                        .addField(100, UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("ignored")).build())
                        .build());
            }
            request.addTimeseries(ts);
        }
        request.addMetadata(Types.MetricMetadata.newBuilder().setType(Types.MetricMetadata.MetricType.COUNTER)
                .setMetricFamilyName("metric_0").setHelp("help text").setUnit("seconds"));
        return request.build();
    }

    @Test
    void writeRequestsThatProtobufJavaEncodesDecodeToTheSameSeries() throws Exception {
        Random random = new Random(20_261_122);
        for (int round = 0; round < 200; round++) {
            Remote.WriteRequest request = randomWriteRequest(random);
            assertThat(decodeWithOurs(request.toByteArray())).as("round %d", round).isEqualTo(expected(request));
        }
    }

    @Test
    void aRealPrometheusBodyDecodesAsProtobufJavaReadsIt() throws Exception {
        byte[] raw = ReferenceSnappy.decode(SnappyCompatibilityTest.fixture("prometheus-2.42-write-request.snappy"));
        Remote.WriteRequest request = Remote.WriteRequest.parseFrom(raw);
        assertThat(request.getTimeseriesCount()).isEqualTo(353);
        List<DecodedSeries> ours = decodeWithOurs(raw);
        assertThat(ours).isEqualTo(expected(request));
        assertThat(ours).anySatisfy(s -> assertThat(s.labels().get("capture")).isEqualTo("fixture"));
    }

    @Test
    void writeRequestsOurEncoderWritesParseInProtobufJavaWithSeveralSamplesPerSeries() throws Exception {
        WriteRequestEncoder encoder = new WriteRequestEncoder();
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            encoder.reset();
            List<DecodedSeries> written = new ArrayList<>();
            for (int s = 0; s < 1 + random.nextInt(20); s++) {
                Labels labels = Labels.of("__name__", "m" + s, "path", "/\u00fc/" + random.nextInt(100));
                encoder.beginSeries(labels);
                List<Long> t = new ArrayList<>();
                List<Long> v = new ArrayList<>();
                long time = random.nextLong(0, 2_000_000_000_000L);
                for (int i = 0; i < random.nextInt(30); i++) {
                    double value = random.nextInt(5) == 0 ? STALE : random.nextGaussian();
                    encoder.sample(time, value);
                    t.add(time);
                    v.add(Double.doubleToRawLongBits(value));
                    time += 1 + random.nextInt(15_000);
                }
                List<String> histograms = new ArrayList<>();
                for (int i = 0; i < random.nextInt(3); i++) {
                    Object h = toApi(randomHistogram(random, time));
                    if (h instanceof Histogram ih) {
                        encoder.histogram(time, ih);
                    } else {
                        encoder.histogram(time, (FloatHistogram) h);
                    }
                    histograms.add(time + "=" + h);
                    time++;
                }
                List<Exemplar> exemplars = new ArrayList<>();
                if (random.nextBoolean()) {
                    Exemplar e = new Exemplar(Labels.of("trace_id", Long.toHexString(random.nextLong())), random.nextDouble(), time, true);
                    encoder.exemplar(e.labels(), e.value(), e.timestamp());
                    exemplars.add(e);
                }
                encoder.endSeries();
                written.add(new DecodedSeries(labels, t, v, exemplars, histograms));
            }
            encoder.metadata("m0", io.promethium.api.model.MetricType.COUNTER, "help", "seconds");
            byte[] body = Arrays.copyOf(encoder.buffer(), encoder.size());
            Remote.WriteRequest parsed = Remote.WriteRequest.parseFrom(ReferenceSnappy.decode(Snappy.encode(body, body.length)));
            assertThat(expected(parsed)).as("round %d", round).isEqualTo(written);
            assertThat(parsed.getMetadata(0).getType()).isEqualTo(Types.MetricMetadata.MetricType.COUNTER);
            assertThat(parsed.getMetadata(0).getMetricFamilyName()).isEqualTo("m0");
        }
    }

    @Test
    void readRequestsOurClientWritesParseInProtobufJava() throws Exception {
        ReadClientCodec.Query query = new ReadClientCodec.Query(-5_000, 1_700_000_000_000L,
                List.of(io.promethium.api.model.Matcher.of(io.promethium.api.model.MatchType.EQUAL, "__name__", "up"),
                        io.promethium.api.model.Matcher.of(io.promethium.api.model.MatchType.NOT_REGEX, "path", "/\u00fc+")), null);
        Remote.ReadRequest parsed = Remote.ReadRequest.parseFrom(ReadClientCodec.encodeRequest(List.of(query), true));
        assertThat(parsed.getQueriesCount()).isEqualTo(1);
        Remote.Query q = parsed.getQueries(0);
        assertThat(q.getStartTimestampMs()).isEqualTo(-5_000);
        assertThat(q.getEndTimestampMs()).isEqualTo(1_700_000_000_000L);
        assertThat(q.getMatchersList()).extracting(m -> m.getType() + " " + m.getName() + " " + m.getValue())
                .containsExactly("EQ __name__ up", "NRE path /\u00fc+");
        assertThat(parsed.getAcceptedResponseTypesList()).contains(Remote.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS);
    }
}
