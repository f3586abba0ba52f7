package io.promethium.remote.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.promethium.api.model.Exemplar;
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
class RemoteWireProtobufTest {

    /** The stale marker's NaN, whose bits must survive the trip. */
    private static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

    /** One decoded series, values compared by their bits. */
    private record DecodedSeries(Labels labels, List<Long> timestamps, List<Long> valueBits, List<Exemplar> exemplars) {
    }

    private static List<DecodedSeries> decodeWithOurs(byte[] request) throws Exception {
        List<DecodedSeries> out = new ArrayList<>();
        new WriteRequestDecoder().decode(request, request.length, (labels, ts, vs, count, exemplars, exemplarCount) -> {
            List<Long> t = new ArrayList<>();
            List<Long> v = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                t.add(ts[i]);
                v.add(Double.doubleToRawLongBits(vs[i]));
            }
            out.add(new DecodedSeries(labels, t, v, List.of(Arrays.copyOf(exemplars, exemplarCount))));
        });
        return out;
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
            out.add(new DecodedSeries(labels(ts.getLabelsList()), t, v, exemplars));
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
            if (random.nextInt(5) == 0) {
                ts.addHistograms(Types.Histogram.newBuilder().setCountInt(10).setSum(3.5).setSchema(3)
                        .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(-2).setLength(2)).addPositiveDeltas(4).addPositiveDeltas(-1)
                        .setTimestamp(t));
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
                List<Exemplar> exemplars = new ArrayList<>();
                if (random.nextBoolean()) {
                    Exemplar e = new Exemplar(Labels.of("trace_id", Long.toHexString(random.nextLong())), random.nextDouble(), time, true);
                    encoder.exemplar(e.labels(), e.value(), e.timestamp());
                    exemplars.add(e);
                }
                encoder.endSeries();
                written.add(new DecodedSeries(labels, t, v, exemplars));
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
