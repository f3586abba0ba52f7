package io.promethium.web.internal.remote;

import io.promethium.remote.wire.WriteRequestDecoder;
import io.promethium.remote.wire.XorChunkDecoder;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.web.internal.remote.prompb.Remote;
import io.promethium.web.internal.remote.prompb.Types;
import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Holds the web bundle's hand-written remote write / remote read wire code against protobuf-java
 * compiled from Prometheus's published message definitions ({@code src/test/protobuf}), with
 * aircompressor's snappy on the client side: the decoders read what protobuf-java writes (and what
 * a real Prometheus wrote), and protobuf-java reads what the encoders write.
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
    void readRequestsThatProtobufJavaEncodesDecodeToTheSameQueries() throws Exception {
        Remote.ReadRequest request = Remote.ReadRequest.newBuilder()
                .addQueries(Remote.Query.newBuilder().setStartTimestampMs(-5_000).setEndTimestampMs(1_700_000_000_000L)
                        .addMatchers(Types.LabelMatcher.newBuilder().setType(Types.LabelMatcher.Type.EQ).setName("__name__").setValue("up"))
                        .addMatchers(Types.LabelMatcher.newBuilder().setType(Types.LabelMatcher.Type.NEQ).setName("job").setValue("x"))
                        .addMatchers(Types.LabelMatcher.newBuilder().setType(Types.LabelMatcher.Type.RE).setName("instance").setValue("h.*"))
                        .addMatchers(Types.LabelMatcher.newBuilder().setType(Types.LabelMatcher.Type.NRE).setName("path").setValue("/ü+"))
                        .setHints(Types.ReadHints.newBuilder().setStepMs(15_000).setFunc("rate").setStartMs(1).setEndMs(2)
                                .addGrouping("job").setBy(true).setRangeMs(300_000)))
                .addQueries(Remote.Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(1))
                // proto3 packs repeated enums, as Prometheus sends them.
                .addAcceptedResponseTypes(Remote.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                .addAcceptedResponseTypes(Remote.ReadRequest.ResponseType.SAMPLES)
                .build();
        RemoteReadResource.ReadRequest ours = RemoteReadResource.decode(request.toByteArray());
        assertThat(ours.acceptedTypes()).containsExactly(1, 0);
        assertThat(ours.queries()).containsExactly(
                new RemoteReadResource.Query(-5_000, 1_700_000_000_000L, List.of(Matcher.of(MatchType.EQUAL, "__name__", "up"),
                        Matcher.of(MatchType.NOT_EQUAL, "job", "x"), Matcher.of(MatchType.REGEX, "instance", "h.*"),
                        Matcher.of(MatchType.NOT_REGEX, "path", "/ü+"))),
                new RemoteReadResource.Query(0, 1, List.of()));
    }

    @Test
    void writtenThroughTheReceiverAndReadBackAsProtobufJavaParsesIt() throws Exception {
        Labels external = Labels.of("region", "eu");
        try (ApiServer server = new ApiServer(w -> {
            w.register(new RemoteWriteResource(w.server().storage, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadResource(w.server().storage, () -> external, 1 << 20, 100_000));
        })) {
            Random random = new Random(7);
            Remote.WriteRequest.Builder write = Remote.WriteRequest.newBuilder();
            List<long[]> samples = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder()
                        .addLabels(label("__name__", "wire_check")).addLabels(label("series", Integer.toString(s)));
                long t = 1_000_000;
                for (int i = 0; i < 500; i++) {
                    double v = i % 50 == 0 ? Double.POSITIVE_INFINITY : Math.round(random.nextGaussian() * 1e4) / 8.0;
                    ts.addSamples(Types.Sample.newBuilder().setTimestamp(t).setValue(v));
                    if (s == 0) {
                        samples.add(new long[] {t, Double.doubleToRawLongBits(v)});
                    }
                    t += 10_000 + random.nextInt(5);
                }
                write.addTimeseries(ts);
            }
            HttpResponse<String> written = server.send(HttpRequest.newBuilder(server.uri("/api/v1/write"))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ReferenceSnappy.encode(write.build().toByteArray()))));
            assertThat(written.statusCode()).as(written.body()).isEqualTo(204);

            Remote.Query query = Remote.Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(Long.MAX_VALUE / 2)
                    .addMatchers(Types.LabelMatcher.newBuilder().setName("__name__").setValue("wire_check"))
                    .addMatchers(Types.LabelMatcher.newBuilder().setName("series").setValue("0")).build();

            // Samples: a snappy ReadResponse.
            byte[] sampled = read(server, Remote.ReadRequest.newBuilder().addQueries(query).build());
            Remote.ReadResponse response = Remote.ReadResponse.parseFrom(ReferenceSnappy.decode(sampled));
            assertThat(response.getResultsCount()).isEqualTo(1);
            assertThat(response.getResults(0).getTimeseriesCount()).isEqualTo(1);
            Types.TimeSeries series = response.getResults(0).getTimeseries(0);
            assertThat(labels(series.getLabelsList())).isEqualTo(Labels.of("__name__", "wire_check", "series", "0", "region", "eu"));
            List<long[]> got = new ArrayList<>();
            for (Types.Sample s : series.getSamplesList()) {
                got.add(new long[] {s.getTimestamp(), Double.doubleToRawLongBits(s.getValue())});
            }
            assertThat(got).containsExactlyElementsOf(samples);

            // Streamed XOR chunks: length-prefixed, CRC32C-checked ChunkedReadResponse frames.
            byte[] streamed = read(server, Remote.ReadRequest.newBuilder().addQueries(query)
                    .addAcceptedResponseTypes(Remote.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).build());
            List<double[]> chunked = new ArrayList<>();
            ByteBuffer body = ByteBuffer.wrap(streamed);
            while (body.hasRemaining()) {
                int length = (int) varint(body);
                long crc = body.getInt() & 0xffffffffL;
                byte[] frame = new byte[length];
                body.get(frame);
                CRC32C check = new CRC32C();
                check.update(frame);
                assertThat(check.getValue()).isEqualTo(crc);
                Remote.ChunkedReadResponse chunks = Remote.ChunkedReadResponse.parseFrom(frame);
                assertThat(chunks.getQueryIndex()).isZero();
                for (Types.ChunkedSeries cs : chunks.getChunkedSeriesList()) {
                    assertThat(labels(cs.getLabelsList())).isEqualTo(Labels.of("__name__", "wire_check", "series", "0", "region", "eu"));
                    for (Types.Chunk chunk : cs.getChunksList()) {
                        assertThat(chunk.getType()).isEqualTo(Types.Chunk.Encoding.XOR);
                        byte[] data = chunk.getData().toByteArray();
                        int before = chunked.size();
                        XorChunkDecoder.decode(data, 0, data.length, chunked);
                        assertThat(chunk.getMinTimeMs()).isEqualTo((long) chunked.get(before)[0]);
                        assertThat(chunk.getMaxTimeMs()).isEqualTo((long) chunked.get(chunked.size() - 1)[0]);
                    }
                }
            }
            List<long[]> gotChunked = new ArrayList<>();
            for (double[] s : chunked) {
                gotChunked.add(new long[] {(long) s[0], Double.doubleToRawLongBits(s[1])});
            }
            assertThat(gotChunked).containsExactlyElementsOf(samples);
        }
    }

    private static byte[] read(ApiServer server, Remote.ReadRequest request) {
        HttpResponse<byte[]> r = server.sendBytes(HttpRequest.newBuilder(server.uri("/api/v1/read"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ReferenceSnappy.encode(request.toByteArray()))));
        assertThat(r.statusCode()).as(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(200);
        return r.body();
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.get() & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return value;
            }
        }
    }

}
