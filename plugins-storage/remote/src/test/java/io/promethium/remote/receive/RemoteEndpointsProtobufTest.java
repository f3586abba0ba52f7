package io.promethium.remote.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.ValueType;
import io.promethium.remote.wire.ReferenceSnappy;
import io.promethium.remote.wire.XorChunkDecoder;
import io.promethium.remote.wire.prompb.Remote;
import io.promethium.remote.wire.prompb.Types;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Holds the web bundle's remote read request decoder and its ReadResponse / ChunkedReadResponse
 * encoders (and the receiver behind them) against protobuf-java compiled from Prometheus's message
 * definitions, from the remote-wire module's test jar, with aircompressor's snappy on the client
 * side.
 */
class RemoteEndpointsProtobufTest {

    private static Object toApi(Types.Histogram h) {
        return io.promethium.remote.wire.RemoteWireProtobufTest.toApi(h);
    }

    private static Types.Label label(String name, String value) {
        return Types.Label.newBuilder().setName(name).setValue(value).build();
    }

    private static Labels labels(List<Types.Label> labels) {
        Labels.Builder b = Labels.builder();
        for (Types.Label l : labels) {
            b.set(l.getName(), l.getValue());
        }
        return b.build();
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
        RemoteReadReceiver.ReadRequest ours = RemoteReadReceiver.decode(request.toByteArray());
        assertThat(ours.acceptedTypes()).containsExactly(1, 0);
        assertThat(ours.queries()).containsExactly(
                new RemoteReadReceiver.Query(-5_000, 1_700_000_000_000L, List.of(Matcher.of(MatchType.EQUAL, "__name__", "up"),
                        Matcher.of(MatchType.NOT_EQUAL, "job", "x"), Matcher.of(MatchType.REGEX, "instance", "h.*"),
                        Matcher.of(MatchType.NOT_REGEX, "path", "/ü+"))),
                new RemoteReadReceiver.Query(0, 1, List.of()));
    }

    @Test
    void writtenThroughTheReceiverAndReadBackAsProtobufJavaParsesIt() throws Exception {
        Labels external = Labels.of("region", "eu");
        try (ReceiverServer server = new ReceiverServer(w -> {
            w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadReceiver(w.server().storage, () -> external, 1 << 20, new RemoteReadLimits(100_000, 10, 1 << 20)));
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

    /** What the storage holds for a series, each histogram sample as "t=" + its api object. */
    static List<String> storedHistograms(ReceiverServer server, Labels labels) {
        List<String> out = new ArrayList<>();
        try (Querier q = server.tsdb.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
            List<Matcher> matchers = new ArrayList<>();
            for (int i = 0; i < labels.size(); i++) {
                matchers.add(Matcher.equal(labels.name(i), labels.value(i)));
            }
            SeriesSet set = q.select(false, SelectHints.range(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4), matchers);
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(it.timestamp() + "=" + (it.valueType() == ValueType.HISTOGRAM ? it.histogram().copy() : it.floatHistogram().copy()));
                }
            }
        }
        return out;
    }

    static Types.Histogram protoHistogram(long t, int i) {
        return Types.Histogram.newBuilder().setTimestamp(t).setCountInt(10L * i + 2).setSum(2.5 * i).setSchema(3).setZeroThreshold(1e-128)
                .setZeroCountInt(i).addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(-2).setLength(2))
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(3).setLength(1))
                .addPositiveDeltas(2L * i).addPositiveDeltas(1).addPositiveDeltas(2L * i)
                .addNegativeSpans(Types.BucketSpan.newBuilder().setOffset(0).setLength(1)).addNegativeDeltas(i).build();
    }

    @Test
    void nativeHistogramsWrittenByProtobufJavaAreStoredEqualAndAnInvalidOneIsRefusedNamingTheSeries() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> {
            w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadReceiver(w.server().storage, () -> Labels.EMPTY, 1 << 20, new RemoteReadLimits(100_000, 10, 1 << 20)));
        })) {
            Types.TimeSeries.Builder ints = Types.TimeSeries.newBuilder().addLabels(label("__name__", "rpc_seconds"));
            Types.TimeSeries.Builder floats = Types.TimeSeries.newBuilder().addLabels(label("__name__", "rpc_rate"));
            Types.TimeSeries.Builder custom = Types.TimeSeries.newBuilder().addLabels(label("__name__", "rpc_nhcb"));
            List<String> expectInts = new ArrayList<>();
            List<String> expectFloats = new ArrayList<>();
            List<String> expectCustom = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                long t = 1_000_000L + i * 15_000L;
                Types.Histogram h = protoHistogram(t, i);
                ints.addHistograms(h);
                expectInts.add(t + "=" + withHint(toApi(h), "NOT_COUNTER_RESET", i));
                Types.Histogram f = Types.Histogram.newBuilder().setTimestamp(t).setCountFloat(3.5 + i).setSum(1.25).setSchema(-1)
                        .setZeroCountFloat(0.5).addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(1).setLength(2))
                        .addPositiveCounts(1).addPositiveCounts(2 + i).setResetHint(Types.Histogram.ResetHint.GAUGE).build();
                floats.addHistograms(f);
                expectFloats.add(t + "=" + toApi(f));
                Types.Histogram c = Types.Histogram.newBuilder().setTimestamp(t).setCountInt(4L * i).setSum(4).setSchema(-53)
                        .addCustomValues(0.1).addCustomValues(1).addCustomValues(10)
                        .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(0).setLength(2))
                        .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(1).setLength(1))
                        .addPositiveDeltas(i).addPositiveDeltas(0).addPositiveDeltas(i).build();
                custom.addHistograms(c);
                expectCustom.add(t + "=" + withHint(toApi(c), "NOT_COUNTER_RESET", i));
            }
            HttpResponse<String> written = write(server, Remote.WriteRequest.newBuilder().addTimeseries(ints).addTimeseries(floats)
                    .addTimeseries(custom).build());
            assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
            assertThat(storedHistograms(server, Labels.of("__name__", "rpc_seconds"))).containsExactlyElementsOf(expectInts);
            assertThat(storedHistograms(server, Labels.of("__name__", "rpc_rate"))).containsExactlyElementsOf(expectFloats);
            assertThat(storedHistograms(server, Labels.of("__name__", "rpc_nhcb"))).containsExactlyElementsOf(expectCustom);

            // Read back through remote read: sampled responses carry the histograms as stored.
            Remote.Query query = Remote.Query.newBuilder().setStartTimestampMs(0).setEndTimestampMs(10_000_000)
                    .addMatchers(Types.LabelMatcher.newBuilder().setType(Types.LabelMatcher.Type.RE).setName("__name__").setValue("rpc_.*"))
                    .build();
            Remote.ReadResponse sampled = Remote.ReadResponse.parseFrom(ReferenceSnappy.decode(read(server,
                    Remote.ReadRequest.newBuilder().addQueries(query).build())));
            java.util.Map<String, List<String>> readBack = new java.util.TreeMap<>();
            for (Types.TimeSeries ts : sampled.getResults(0).getTimeseriesList()) {
                List<String> hs = new ArrayList<>();
                for (Types.Histogram h : ts.getHistogramsList()) {
                    hs.add(h.getTimestamp() + "=" + toApi(h));
                }
                assertThat(ts.getSamplesCount()).isZero();
                readBack.put(labels(ts.getLabelsList()).metricName(), hs);
            }
            assertThat(readBack).containsEntry("rpc_seconds", storedHistograms(server, Labels.of("__name__", "rpc_seconds")))
                    .containsEntry("rpc_rate", expectFloats).containsEntry("rpc_nhcb", expectCustom);
            // Streamed: Prometheus's histogram and float histogram chunks, parsed by protobuf-java and read by the
            // reference reader, hold the same samples (the reader's counter-reset hints are the chunks' own).
            HttpResponse<byte[]> streamed = server.sendBytes(HttpRequest.newBuilder(server.uri("/api/v1/read"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ReferenceSnappy.encode(Remote.ReadRequest.newBuilder().addQueries(query)
                            .addAcceptedResponseTypes(Remote.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).build().toByteArray()))));
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(streamed.headers().firstValue("Content-Type")).hasValue(RemoteReadReceiver.STREAMED_CONTENT_TYPE);
            java.util.Map<String, List<String>> streamedBack = new java.util.TreeMap<>();
            java.util.Set<Types.Chunk.Encoding> encodings = java.util.EnumSet.noneOf(Types.Chunk.Encoding.class);
            java.io.InputStream in = new java.io.ByteArrayInputStream(streamed.body());
            while (in.available() > 0) {
                int size = com.google.protobuf.CodedInputStream.readRawVarint32(in.read(), in);
                byte[] crc = in.readNBytes(4);
                byte[] message = in.readNBytes(size);
                java.util.zip.CRC32C check = new java.util.zip.CRC32C();
                check.update(message);
                assertThat(java.nio.ByteBuffer.wrap(crc).getInt()).isEqualTo((int) check.getValue());
                for (Types.ChunkedSeries cs : Remote.ChunkedReadResponse.parseFrom(message).getChunkedSeriesList()) {
                    List<String> hs = streamedBack.computeIfAbsent(labels(cs.getLabelsList()).metricName(), k -> new ArrayList<>());
                    for (Types.Chunk c : cs.getChunksList()) {
                        encodings.add(c.getType());
                        byte[] data = c.getData().toByteArray();
                        List<io.promethium.remote.wire.ReferenceHistogramChunks.Sample> samples =
                                io.promethium.remote.wire.ReferenceHistogramChunks.decode(c.getTypeValue(), data, 0, data.length);
                        assertThat(samples.get(0).t()).isEqualTo(c.getMinTimeMs());
                        assertThat(samples.get(samples.size() - 1).t()).isEqualTo(c.getMaxTimeMs());
                        for (io.promethium.remote.wire.ReferenceHistogramChunks.Sample x : samples) {
                            hs.add(x.t() + "=" + x.histogram());
                        }
                    }
                }
            }
            assertThat(encodings).containsExactlyInAnyOrder(Types.Chunk.Encoding.HISTOGRAM, Types.Chunk.Encoding.FLOAT_HISTOGRAM);
            assertThat(streamedBack.keySet()).containsExactly("rpc_nhcb", "rpc_rate", "rpc_seconds");
            for (String name : streamedBack.keySet()) {
                assertThat(withoutHints(streamedBack.get(name))).as(name)
                        .isEqualTo(withoutHints(storedHistograms(server, Labels.of("__name__", name))));
            }
            // The gauge float histograms stay gauges.
            assertThat(streamedBack.get("rpc_rate")).allMatch(x -> x.contains("hint=GAUGE"));

            Types.Histogram bad = protoHistogram(2_000_000L, 1).toBuilder().setCountInt(3).build();
            HttpResponse<String> refused = write(server, Remote.WriteRequest.newBuilder().addTimeseries(Types.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "broken")).addHistograms(bad)).build());
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("broken").contains("3 observations").contains("2000000");
        }
    }

    static HttpResponse<String> writeV2(ReceiverServer server, io.promethium.remote.wire.writev2.WriteV2.Request request) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/write"))
                .header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "2.0.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ReferenceSnappy.encode(request.toByteArray()))));
    }

    /** Every stored series' labels, sorted as text. */
    static List<String> storedSeries(ReceiverServer server) {
        List<String> out = new ArrayList<>();
        try (Querier q = server.tsdb.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
            SeriesSet set = q.select(true, SelectHints.range(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4),
                    List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
            while (set.next()) {
                out.add(set.at().labels().toString());
            }
        }
        return out;
    }

    @Test
    void typeAndUnitLabelsComeFromRemoteWrite2MetadataWhenTheFeatureIsOnAsInPrometheus() throws Exception {
        java.util.function.BiFunction<io.promethium.remote.wire.writev2.WriteV2.Metadata.MetricType, Integer,
                io.promethium.remote.wire.writev2.WriteV2.Metadata> metadata = (type, unitRef) ->
                io.promethium.remote.wire.writev2.WriteV2.Metadata.newBuilder().setType(type).setUnitRef(unitRef).build();
        // Symbols: 1 __name__, 2 rpc_requests_total, 3 __type__, 4 gauge, 5 requests, 6 queue_depth, 7 __unit__, 8 bogus, 9 other
        io.promethium.remote.wire.writev2.WriteV2.Request request = io.promethium.remote.wire.writev2.WriteV2.Request.newBuilder()
                .addSymbols("").addSymbols("__name__").addSymbols("rpc_requests_total").addSymbols("__type__").addSymbols("gauge")
                .addSymbols("requests").addSymbols("queue_depth").addSymbols("__unit__").addSymbols("bogus").addSymbols("other")
                // A counter with a unit, sent with a __type__ of its own: the metadata's win.
                .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 4))
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(1))
                        .setMetadata(metadata.apply(io.promethium.remote.wire.writev2.WriteV2.Metadata.MetricType.METRIC_TYPE_COUNTER, 5)))
                // A gauge without a unit: a __unit__ the sender set goes.
                .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 6, 7, 8))
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(2))
                        .setMetadata(metadata.apply(io.promethium.remote.wire.writev2.WriteV2.Metadata.MetricType.METRIC_TYPE_GAUGE, 0)))
                // No metadata: the labels stay as sent.
                .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 9, 3, 4))
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(3)))
                .build();
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20,
                java.util.Set.of(RemoteWriteReceiver.V1, RemoteWriteReceiver.V2), true)))) {
            assertThat(writeV2(server, request).statusCode()).isEqualTo(204);
            // Remote write 1.0 carries no metadata per series: nothing is added (Prometheus neither).
            assertThat(write(server, Remote.WriteRequest.newBuilder().addTimeseries(Types.TimeSeries.newBuilder()
                    .addLabels(label("__name__", "v1_series")).addSamples(Types.Sample.newBuilder().setTimestamp(1000).setValue(4)))
                    .build()).statusCode()).isEqualTo(204);
            assertThat(storedSeries(server)).containsExactlyInAnyOrder(
                    "{__name__=\"rpc_requests_total\", __type__=\"counter\", __unit__=\"requests\"}",
                    "{__name__=\"queue_depth\", __type__=\"gauge\"}",
                    "{__name__=\"other\", __type__=\"gauge\"}",
                    "{__name__=\"v1_series\"}");
        }
        // Without the feature the labels are the sender's.
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20)))) {
            assertThat(writeV2(server, request).statusCode()).isEqualTo(204);
            assertThat(storedSeries(server)).containsExactlyInAnyOrder("{__name__=\"rpc_requests_total\", __type__=\"gauge\"}",
                    "{__name__=\"queue_depth\", __unit__=\"bogus\"}", "{__name__=\"other\", __type__=\"gauge\"}");
        }
    }

    @Test
    void remoteWrite2StoresSamplesHistogramsExemplarsAndMetadataAndAnswersWhatItWrote() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20)))) {
            server.tsdb.setMaxExemplars(100);
            io.promethium.remote.wire.writev2.WriteV2.Request request = io.promethium.remote.wire.writev2.WriteV2.Request.newBuilder()
                    .addSymbols("").addSymbols("__name__").addSymbols("http_requests_total").addSymbols("code").addSymbols("200")
                    .addSymbols("trace_id").addSymbols("abc").addSymbols("Requests.").addSymbols("rpc_seconds")
                    .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2)
                            .addLabelsRefs(3).addLabelsRefs(4)
                            .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(1))
                            .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(2000).setValue(2))
                            .addExemplars(io.promethium.remote.wire.writev2.WriteV2.Exemplar.newBuilder().addLabelsRefs(5).addLabelsRefs(6)
                                    .setValue(1).setTimestamp(2000))
                            .setMetadata(io.promethium.remote.wire.writev2.WriteV2.Metadata.newBuilder()
                                    .setType(io.promethium.remote.wire.writev2.WriteV2.Metadata.MetricType.METRIC_TYPE_COUNTER).setHelpRef(7))
                            .setCreatedTimestamp(500))
                    .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(8)
                            .addHistograms(io.promethium.remote.wire.writev2.WriteV2.Histogram.parseFrom(protoHistogram(1000, 1).toByteArray())))
                    .build();
            HttpResponse<String> written = writeV2(server, request);
            assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
            assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("2");
            assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written")).hasValue("1");
            assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written")).hasValue("1");
            assertThat(storedHistograms(server, Labels.of("__name__", "rpc_seconds")))
                    .containsExactly("1000=" + toApi(protoHistogram(1000, 1)));
            assertThat(server.tsdb.seriesMetadata()).containsEntry("http_requests_total",
                    List.of(new io.promethium.api.model.Metadata(io.promethium.api.model.MetricType.COUNTER, "Requests.", "")));

            // A reference outside the symbols table: 400 naming the series and the reference, nothing written.
            io.promethium.remote.wire.writev2.WriteV2.Request bad = request.toBuilder().clearTimeseries()
                    .addTimeseries(request.getTimeseries(1).toBuilder().clearHistograms().addHistograms(
                            io.promethium.remote.wire.writev2.WriteV2.Histogram.parseFrom(protoHistogram(5000, 2).toByteArray())))
                    .addTimeseries(request.getTimeseries(1).toBuilder().setLabelsRefs(1, 42)).build();
            HttpResponse<String> refused = writeV2(server, bad);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("timeseries 1").contains("symbol reference 42 out of range");
            assertThat(refused.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("0");
            // A 1.0 body under the 2.0 content type.
            HttpResponse<String> wrong = server.send(HttpRequest.newBuilder(server.uri("/api/v1/write"))
                    .header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request").header("Content-Encoding", "snappy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ReferenceSnappy.encode(Remote.WriteRequest.newBuilder()
                            .addTimeseries(Types.TimeSeries.newBuilder().addLabels(label("__name__", "x"))).build().toByteArray()))));
            assertThat(wrong.statusCode()).isEqualTo(400);
            assertThat(wrong.body()).contains("reserved").contains("prometheus.WriteRequest");
        }
    }

    /**
     * A 2.0 request with UTF-8 metric and label names (symbols as protobuf-java writes them from the
     * published message definitions) is stored under those names and selected by the matchers of
     * {@code {"my.metric", "service.name"="x"}}; Prometheus 3 validates names as UTF-8 by default.
     */
    @Test
    void remoteWrite2WithUtf8NamesIsStoredAndSelectedByTheQuotedNames() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20,
                java.util.Set.of(RemoteWriteReceiver.V1, RemoteWriteReceiver.V2))))) {
            io.promethium.remote.wire.writev2.WriteV2.Request request = io.promethium.remote.wire.writev2.WriteV2.Request.newBuilder()
                    .addSymbols("").addSymbols("__name__").addSymbols("my.metric").addSymbols("service.name").addSymbols("x")
                    .addSymbols("ünï.ключ").addSymbols("værdi ✓").addSymbols("y")
                    .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 4, 5, 6))
                            .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(1)))
                    .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 7))
                            .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(2)))
                    .build();
            HttpResponse<String> written = writeV2(server, request);
            assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
            assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("2");
            Labels x = Labels.of("__name__", "my.metric", "service.name", "x", "ünï.ключ", "værdi ✓");
            List<String> selected = new ArrayList<>();
            try (Querier q = server.tsdb.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, SelectHints.range(0, Long.MAX_VALUE),
                        List.of(Matcher.equal("__name__", "my.metric"), Matcher.equal("service.name", "x")));
                while (set.next()) {
                    SampleIterator it = set.at().iterator(null);
                    while (it.next()) {
                        selected.add(set.at().labels() + " " + it.timestamp() + "=" + it.value());
                    }
                }
            }
            assertThat(selected).containsExactly(x + " 1000=1.0");
            assertThat(storedSeries(server)).containsExactlyInAnyOrder(x.toString(),
                    Labels.of("__name__", "my.metric", "service.name", "y").toString());
        }
    }

    /** Each stored sample of the series as "t=v@start". */
    static List<String> storedWithStarts(ReceiverServer server, Labels labels) {
        List<String> out = new ArrayList<>();
        try (Querier q = server.tsdb.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
            List<Matcher> matchers = new ArrayList<>();
            for (int i = 0; i < labels.size(); i++) {
                matchers.add(Matcher.equal(labels.name(i), labels.value(i)));
            }
            SeriesSet set = q.select(false, SelectHints.range(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4), matchers);
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(it.timestamp() + "=" + (it.valueType() == ValueType.FLOAT ? String.valueOf(it.value()) : "h") + "@"
                            + it.startTimestamp());
                }
            }
        }
        return out;
    }

    private static io.promethium.remote.wire.writev2.WriteV2.Request createdRequest() throws Exception {
        return io.promethium.remote.wire.writev2.WriteV2.Request.newBuilder()
                .addSymbols("").addSymbols("__name__").addSymbols("req_total").addSymbols("rpc_seconds")
                .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2)
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(1))
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(2000).setValue(2))
                        .setCreatedTimestamp(500))
                .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(3)
                        .addHistograms(io.promethium.remote.wire.writev2.WriteV2.Histogram.parseFrom(protoHistogram(1000, 1).toByteArray()))
                        .setCreatedTimestamp(700))
                .build();
    }

    @Test
    void remoteWrite2CreatedTimestampsAreIngestedAsPrometheusDoesWithTheFeature() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20,
                java.util.Set.of(RemoteWriteReceiver.V1, RemoteWriteReceiver.V2), false, true)))) {
            HttpResponse<String> written = writeV2(server, createdRequest());
            assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
            assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("2");
            assertThat(storedWithStarts(server, Labels.of("__name__", "req_total"))).containsExactly("500=0.0@0", "1000=1.0@500", "2000=2.0@500");
            assertThat(storedWithStarts(server, Labels.of("__name__", "rpc_seconds"))).containsExactly("700=h@0", "1000=h@700");
            // Sent again (a retry): the zero sample is out of order now and skipped, the batch still stands.
            HttpResponse<String> again = writeV2(server, createdRequest().toBuilder()
                    .setTimeseries(0, createdRequest().getTimeseries(0).toBuilder().clearSamples()
                            .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(3000).setValue(3)))
                    .removeTimeseries(1).build());
            assertThat(again.statusCode()).as(again.body()).isEqualTo(204);
            assertThat(storedWithStarts(server, Labels.of("__name__", "req_total"))).containsExactly("500=0.0@0", "1000=1.0@500", "2000=2.0@500",
                    "3000=3.0@500");
        }
    }

    @Test
    void remoteWrite2PerSampleStartTimestampsOfTheNewestRevisionAreIngestedAndWinOverTheSeriesCreatedTimestamp() throws Exception {
        io.promethium.remote.wire.writev2.WriteV2.Request request = io.promethium.remote.wire.writev2.WriteV2.Request.newBuilder()
                .addSymbols("").addSymbols("__name__").addSymbols("req_total").addSymbols("rpc_seconds")
                .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2)
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(1000).setValue(1).setStartTimestamp(400))
                        // A restart between the samples: each its own start.
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(2000).setValue(2).setStartTimestamp(1500))
                        // None of its own: the series' created_timestamp (an older sender's field) applies.
                        .addSamples(io.promethium.remote.wire.writev2.WriteV2.Sample.newBuilder().setTimestamp(3000).setValue(3))
                        .setCreatedTimestamp(1500))
                .addTimeseries(io.promethium.remote.wire.writev2.WriteV2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(3)
                        .addHistograms(io.promethium.remote.wire.writev2.WriteV2.Histogram.parseFrom(protoHistogram(1000, 1).toByteArray())
                                .toBuilder().setStartTimestamp(600)))
                .build();
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20,
                java.util.Set.of(RemoteWriteReceiver.V1, RemoteWriteReceiver.V2), false, true)))) {
            HttpResponse<String> written = writeV2(server, request);
            assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
            assertThat(written.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("3");
            assertThat(storedWithStarts(server, Labels.of("__name__", "req_total")))
                    .containsExactly("400=0.0@0", "1000=1.0@400", "1500=0.0@0", "2000=2.0@1500", "3000=3.0@1500");
            assertThat(storedWithStarts(server, Labels.of("__name__", "rpc_seconds"))).containsExactly("600=h@0", "1000=h@600");
        }
    }

    @Test
    void remoteWrite2CreatedTimestampsAreIgnoredWithoutTheFeature() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20)))) {
            HttpResponse<String> written = writeV2(server, createdRequest());
            assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
            assertThat(storedWithStarts(server, Labels.of("__name__", "req_total"))).containsExactly("1000=1.0@0", "2000=2.0@0");
        }
    }

    @Test
    void aMessageLeftOutOfTheAcceptedListIsA415NamingWhatIsAccepted() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20,
                RemoteWriteReceiver.acceptedMessages("prometheus.WriteRequest"))))) {
            HttpResponse<String> r = writeV2(server, io.promethium.remote.wire.writev2.WriteV2.Request.newBuilder().addSymbols("").build());
            assertThat(r.statusCode()).isEqualTo(415);
            assertThat(r.body()).contains("io.prometheus.write.v2.Request").contains("[prometheus.WriteRequest]");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RemoteWriteReceiver.acceptedMessages("prometheus.WriteRequest,bogus"))
                .hasMessageContaining("--web.remote-write-receiver.accepted-protobuf-messages").hasMessageContaining("bogus");
    }

    /** The TSDB records the first sample's hint as UNKNOWN and later ones as it detects them. */
    private static String withHint(Object h, String later, int i) {
        return i == 1 ? h.toString() : h.toString().replace("hint=UNKNOWN", "hint=" + later);
    }

    private static List<String> withoutHints(List<String> samples) {
        return samples.stream().map(x -> x.replaceFirst("hint=[A-Z_]+, ", "")).toList();
    }

    static HttpResponse<String> write(ReceiverServer server, Remote.WriteRequest request) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ReferenceSnappy.encode(request.toByteArray()))));
    }

    private static byte[] read(ReceiverServer server, Remote.ReadRequest request) {
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
