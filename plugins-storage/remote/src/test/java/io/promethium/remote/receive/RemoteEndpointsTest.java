package io.promethium.remote.receive;

import io.promethium.remote.wire.ProtoReader;
import io.promethium.remote.wire.ProtoWriter;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.XorChunkDecoder;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RemoteEndpointsTest {

    private static final Labels EXTERNAL = Labels.of("region", "eu");
    private static ReceiverServer server;
    private static ReceiverServer disabled;

    @BeforeAll
    static void start() throws Exception {
        server = new ReceiverServer(w -> {
            w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadReceiver(w.server().storage, () -> EXTERNAL, 1 << 20, new RemoteReadLimits(1000, 10, 1 << 20)));
        });
        disabled = new ReceiverServer(w -> w.register(new RemoteWriteReceiver(w.server().storage, false, 1 << 20, 4 << 20)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        disabled.close();
    }

    /** A WriteRequest with one series per labels entry, samples (t, v) pairs. */
    static byte[] writeRequest(List<Labels> series, double[][] samples) {
        ProtoWriter w = new ProtoWriter();
        for (int s = 0; s < series.size(); s++) {
            int ts = w.beginMessage(1);
            Labels labels = series.get(s);
            for (int i = 0; i < labels.size(); i++) {
                int l = w.beginMessage(1);
                w.stringField(1, labels.name(i));
                w.stringField(2, labels.value(i));
                w.endMessage(l);
            }
            for (int i = 0; i < samples[s].length; i += 2) {
                int sm = w.beginMessage(2);
                w.doubleField(1, samples[s][i + 1]);
                w.int64Field(2, (long) samples[s][i]);
                w.endMessage(sm);
            }
            w.endMessage(ts);
        }
        return w.toByteArray();
    }

    private static HttpResponse<String> post(ReceiverServer to, String path, byte[] body) {
        return to.send(HttpRequest.newBuilder(to.uri(path)).header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static byte[] snappy(byte[] raw) {
        return Snappy.encode(raw, raw.length);
    }

    private static List<double[]> stored(Labels labels) {
        List<double[]> out = new ArrayList<>();
        try (Querier q = server.tsdb.querier(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2)) {
            List<Matcher> matchers = new ArrayList<>();
            labels.forEach((n, v) -> matchers.add(Matcher.equal(n, v)));
            SeriesSet set = q.select(true, null, matchers);
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(new double[] {it.timestamp(), it.value()});
                }
            }
        }
        return out;
    }

    @Test
    void writeStoresSamplesAndAnswersNoContent() {
        Labels a = Labels.of("__name__", "rw_test", "job", "a");
        byte[] body = snappy(writeRequest(List.of(a), new double[][] {{1000, 1.5, 2000, Double.POSITIVE_INFINITY}}));
        HttpResponse<String> r = post(server, "/api/v1/write", body);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(stored(a)).containsExactly(new double[] {1000, 1.5}, new double[] {2000, Double.POSITIVE_INFINITY});
    }

    @Test
    void outOfOrderSampleIs400AndNothingOfTheBatchIsStored() {
        Labels b = Labels.of("__name__", "rw_ooo", "job", "b");
        assertThat(post(server, "/api/v1/write", snappy(writeRequest(List.of(b), new double[][] {{5000, 1}}))).statusCode()).isEqualTo(204);
        Labels c = Labels.of("__name__", "rw_ooo", "job", "c");
        HttpResponse<String> r = post(server, "/api/v1/write",
                snappy(writeRequest(List.of(c, b), new double[][] {{1000, 1}, {4000, 2}})));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(stored(c)).isEmpty();
    }

    @Test
    void badBodiesAreRefusedAndTheServerKeepsServing() {
        HttpResponse<String> notSnappy = post(server, "/api/v1/write", "hello, not snappy".getBytes());
        assertThat(notSnappy.statusCode()).isEqualTo(400);
        assertThat(notSnappy.body()).startsWith("snappy:");
        HttpResponse<String> notProto = post(server, "/api/v1/write", snappy(new byte[] {0x0a, 0x7f, 0x01}));
        assertThat(notProto.statusCode()).isEqualTo(400);
        assertThat(notProto.body()).startsWith("proto:");
        HttpResponse<String> empty = post(server, "/api/v1/write", new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(400);
        HttpResponse<String> huge = post(server, "/api/v1/write", new byte[(1 << 20) + 10]);
        assertThat(huge.statusCode()).isEqualTo(413);
        byte[] bomb = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0};
        assertThat(post(server, "/api/v1/write", bomb).statusCode()).isEqualTo(400);
        assertThat(writeWorks()).isTrue();
    }

    @Test
    void bodiesOverALimitAreReportedAsRefusalsByThatLimitButCorruptBodiesAreNot() {
        int before = server.refusals().size();
        assertThat(post(server, "/api/v1/write", "hello, not snappy".getBytes()).statusCode()).isEqualTo(400);
        assertThat(post(server, "/api/v1/write", snappy(new byte[] {0x0a, 0x7f, 0x01})).statusCode()).isEqualTo(400);
        assertThat(post(server, "/api/v1/write", new byte[(1 << 20) + 10]).statusCode()).isEqualTo(413);
        // Declares 4 GiB - 1 decoded, past the 4 MiB limit: refused by that length, before anything is decoded.
        HttpResponse<String> bomb = post(server, "/api/v1/write", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0});
        assertThat(bomb.statusCode()).isEqualTo(400);
        assertThat(bomb.body()).contains("snappy: decoded length 4294967295 exceeds the limit of " + (4 << 20) + " bytes");
        assertThat(post(server, "/api/v1/read", new byte[(1 << 20) + 10]).statusCode()).isEqualTo(413);
        assertThat(post(server, "/api/v1/read", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0}).statusCode())
                .isEqualTo(400);
        List<String> refusals = server.refusals();
        assertThat(refusals.subList(before, refusals.size())).containsExactly("remote_write_body_size", "remote_write_decoded_size",
                "remote_read_body_size", "remote_read_decoded_size");
    }

    private static boolean writeWorks() {
        Labels d = Labels.of("__name__", "rw_after", "job", "d");
        return post(server, "/api/v1/write", snappy(writeRequest(List.of(d), new double[][] {{1000, 3}}))).statusCode() == 204;
    }

    @Test
    void anEmptyRemoteWrite2RequestIsAcceptedWithZeroWrittenAnd1StillWorks() {
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/api/v1/write"))
                .header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(snappy(new byte[0]))));
        // 2.0 is accepted by default (as Prometheus 3): an empty request writes nothing and says so.
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("0");
        HttpResponse<String> v1 = server.send(HttpRequest.newBuilder(server.uri("/api/v1/write"))
                .header("Content-Type", "application/x-protobuf;proto=prometheus.WriteRequest")
                .POST(HttpRequest.BodyPublishers.ofByteArray(snappy(writeRequest(List.of(), new double[][] {})))));
        assertThat(v1.statusCode()).isEqualTo(204);
    }

    @Test
    void writeIsNotFoundWhenDisabled() {
        HttpResponse<String> r = post(disabled, "/api/v1/write", snappy(writeRequest(List.of(), new double[][] {})));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("--web.enable-remote-write-receiver");
    }

    /** ReadRequest with one query for name=metric over [start, end], accepting the given response types. */
    static byte[] readRequest(String metric, long start, long end, int... types) {
        ProtoWriter w = new ProtoWriter();
        int q = w.beginMessage(1);
        w.int64Field(1, start);
        w.int64Field(2, end);
        int m = w.beginMessage(3);
        w.int64Field(1, 0);
        w.stringField(2, "__name__");
        w.stringField(3, metric);
        w.endMessage(m);
        int ext = w.beginMessage(3);
        w.stringField(2, "region");
        w.stringField(3, "eu");
        w.endMessage(ext);
        w.endMessage(q);
        for (int t : types) {
            w.int64Field(2, t);
        }
        return w.toByteArray();
    }

    @Test
    void sampledReadReturnsSamplesWithExternalLabels() throws Exception {
        Labels e = Labels.of("__name__", "rr_sampled", "job", "e");
        post(server, "/api/v1/write", snappy(writeRequest(List.of(e), new double[][] {{1000, 1, 2000, 2, 3000, 3}})));
        HttpResponse<byte[]> r = server.sendBytes(HttpRequest.newBuilder(server.uri("/api/v1/read"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(snappy(readRequest("rr_sampled", 1500, 3000)))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("snappy");
        byte[] raw = Snappy.decode(r.body(), r.body().length, 1 << 20);
        // ReadResponse.results[0].timeseries[0]: labels then samples.
        String text = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).contains("region").contains("eu").contains("rr_sampled").contains("job");
        List<long[]> samples = new ArrayList<>();
        ProtoReader resp = new ProtoReader(raw, 0, raw.length);
        resp.tag();
        int resultEnd = resp.lengthDelimitedEnd();
        ProtoReader result = new ProtoReader(raw, resp.position(), resultEnd);
        result.tag();
        int tsEnd = result.lengthDelimitedEnd();
        ProtoReader ts = new ProtoReader(raw, result.position(), tsEnd);
        while (ts.hasMore()) {
            int tag = ts.tag();
            if (tag == (2 << 3 | 2)) {
                int end = ts.lengthDelimitedEnd();
                ProtoReader s = new ProtoReader(raw, ts.position(), end);
                s.tag();
                double v = s.fixed64AsDouble();
                s.tag();
                long t = s.varint();
                samples.add(new long[] {t, (long) v});
                ts.position(end);
            } else {
                ts.skip(tag);
            }
        }
        assertThat(samples).containsExactly(new long[] {2000, 2}, new long[] {3000, 3});
    }

    @Test
    void streamedReadReturnsCheckedFramesOfXorChunks() throws Exception {
        Labels f = Labels.of("__name__", "rr_streamed", "job", "f");
        double[] samples = new double[600];
        for (int i = 0; i < 300; i++) {
            samples[2 * i] = 10_000 + i * 15_000L + (i % 3);
            samples[2 * i + 1] = i * 0.5;
        }
        post(server, "/api/v1/write", snappy(writeRequest(List.of(f), new double[][] {samples})));
        HttpResponse<byte[]> r = server.sendBytes(HttpRequest.newBuilder(server.uri("/api/v1/read"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(snappy(readRequest("rr_streamed", 0, Long.MAX_VALUE / 2, 1)))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(RemoteReadReceiver.STREAMED_CONTENT_TYPE);
        List<Frame> frames = frames(r.body());
        List<double[]> decoded = new ArrayList<>();
        int chunks = 0;
        for (Frame frame : frames) {
            decoded.addAll(frame.samples());
            chunks += frame.chunks();
        }
        assertThat(chunks).isEqualTo(3);
        assertThat(decoded).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(decoded.get(i)).containsExactly(samples[2 * i], samples[2 * i + 1]);
        }
    }

    /** One streamed frame: its message size, its series and chunks, and the samples of its chunks. */
    private record Frame(int size, int series, int chunks, List<double[]> samples) {
    }

    /** Splits a streamed body into frames, checking each frame's CRC32C. */
    private static List<Frame> frames(byte[] raw) throws Exception {
        ByteBuffer body = ByteBuffer.wrap(raw);
        List<Frame> frames = new ArrayList<>();
        while (body.hasRemaining()) {
            long len = 0;
            for (int shift = 0; ; shift += 7) {
                int b = body.get() & 0xff;
                len |= (long) (b & 0x7f) << shift;
                if (b < 0x80) {
                    break;
                }
            }
            long crc = body.getInt() & 0xffffffffL;
            byte[] msg = new byte[(int) len];
            body.get(msg);
            CRC32C check = new CRC32C();
            check.update(msg);
            assertThat(check.getValue()).isEqualTo(crc);
            List<double[]> decoded = new ArrayList<>();
            int seriesCount = 0;
            int chunks = 0;
            ProtoReader frame = new ProtoReader(msg, 0, msg.length);
            while (frame.hasMore()) {
                int tag = frame.tag();
                if (tag != (1 << 3 | 2)) {
                    frame.skip(tag);
                    continue;
                }
                seriesCount++;
                int seriesEnd = frame.lengthDelimitedEnd();
                ProtoReader series = new ProtoReader(msg, frame.position(), seriesEnd);
                while (series.hasMore()) {
                    int st = series.tag();
                    if (st != (2 << 3 | 2)) {
                        series.skip(st);
                        continue;
                    }
                    int chunkEnd = series.lengthDelimitedEnd();
                    ProtoReader chunk = new ProtoReader(msg, series.position(), chunkEnd);
                    while (chunk.hasMore()) {
                        int ct = chunk.tag();
                        if (ct == (4 << 3 | 2)) {
                            int dataEnd = chunk.lengthDelimitedEnd();
                            XorChunkDecoder.decode(msg, chunk.position(), dataEnd, decoded);
                            chunk.position(dataEnd);
                            chunks++;
                        } else {
                            chunk.skip(ct);
                        }
                    }
                    series.position(chunkEnd);
                }
                frame.position(seriesEnd);
            }
            frames.add(new Frame(msg.length, seriesCount, chunks, decoded));
        }
        return frames;
    }

    @Test
    void aLongSeriesSpansStreamedFramesOfTheConfiguredSize() throws Exception {
        try (ReceiverServer small = new ReceiverServer(w -> {
            w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadReceiver(w.server().storage, () -> EXTERNAL, 1 << 20, new RemoteReadLimits(0, 0, 1000)));
        })) {
            double[] samples = new double[2 * 1200];
            for (int i = 0; i < 1200; i++) {
                samples[2 * i] = 10_000 + i * 1_000L;
                samples[2 * i + 1] = Math.sqrt(i);
            }
            assertThat(post(small, "/api/v1/write", snappy(writeRequest(List.of(Labels.of("__name__", "rr_long")),
                    new double[][] {samples}))).statusCode()).isEqualTo(204);
            HttpResponse<byte[]> r = small.sendBytes(HttpRequest.newBuilder(small.uri("/api/v1/read"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(snappy(readRequest("rr_long", 0, Long.MAX_VALUE / 2, 1)))));
            assertThat(r.statusCode()).isEqualTo(200);
            List<Frame> frames = frames(r.body());
            assertThat(frames).hasSizeGreaterThan(2).allSatisfy(f -> {
                assertThat(f.series()).isEqualTo(1);
                // A frame is sent once it reaches the size: at most one chunk (120 samples) past it.
                assertThat(f.size()).isLessThan(1000 + 2000);
            });
            List<double[]> decoded = new ArrayList<>();
            frames.forEach(f -> decoded.addAll(f.samples()));
            assertThat(decoded).hasSize(1200);
            for (int i = 0; i < 1200; i++) {
                assertThat(decoded.get(i)).containsExactly(samples[2 * i], samples[2 * i + 1]);
            }
        }
    }

    @Test
    void aReadPastTheConcurrencyLimitWaitsForATurn() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();
        RemoteReadReceiver limited = new RemoteReadReceiver(() -> {
            entered.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return server.tsdb;
        }, () -> Labels.EMPTY, 1 << 20, new RemoteReadLimits(0, 1, 1 << 20));
        byte[] request = snappy(readRequest("rr_sampled", 0, 1));
        List<Thread> readers = new ArrayList<>();
        List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    statuses.add(limited.read(new java.io.ByteArrayInputStream(request)).status());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (entered.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300);
        assertThat(entered.get()).as("the second read waits while the first holds the only slot").isEqualTo(1);
        release.countDown();
        for (Thread t : readers) {
            t.join(10_000);
        }
        assertThat(entered.get()).isEqualTo(2);
        assertThat(statuses).containsExactly(200, 200);
    }

    @Test
    void limitsComeFromPrometheusFlagsAndBadValuesNameTheFlag() {
        assertThat(RemoteReadLimits.fromFlags(name -> null)).isEqualTo(RemoteReadLimits.DEFAULT);
        assertThat(RemoteReadLimits.fromFlags(java.util.Map.of("promethium.flag.storage.remote.read-sample-limit", "5e7",
                "promethium.flag.storage.remote.read-concurrent-limit", "0",
                "promethium.flag.storage.remote.read-max-bytes-in-frame", "4096")::get))
                .isEqualTo(new RemoteReadLimits(50_000_000L, 0, 4096));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RemoteReadLimits.fromFlags(
                java.util.Map.of("promethium.flag.storage.remote.read-concurrent-limit", "ten")::get))
                .hasMessageContaining("--storage.remote.read-concurrent-limit").hasMessageContaining("ten");
    }

    @Test
    void aSampledReadPastTheSampleLimitIs400() {
        Labels g = Labels.of("__name__", "rr_many", "job", "g");
        double[] samples = new double[2 * 1500];
        for (int i = 0; i < 1500; i++) {
            samples[2 * i] = 1000 + i;
            samples[2 * i + 1] = i;
        }
        assertThat(post(server, "/api/v1/write", snappy(writeRequest(List.of(g), new double[][] {samples}))).statusCode()).isEqualTo(204);
        HttpResponse<String> r = post(server, "/api/v1/read", snappy(readRequest("rr_many", 0, 1_000_000)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("exceeded sample limit (1000)");
    }

    @Test
    void unsupportedResponseTypeIs400() {
        HttpResponse<String> r = post(server, "/api/v1/read", snappy(readRequest("x", 0, 1, 7)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("server does not support any of the requested response types");
        assertThat(post(server, "/api/v1/read", "junk".getBytes()).statusCode()).isEqualTo(400);
    }
}
