package io.promethium.distribution;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A minimal remote write 1.0 sender for tests: protobuf {@code WriteRequest} encoded by hand,
 * wrapped in snappy's block format using literals only (valid snappy, just not compressed).
 */
final class RemoteWriteClient {

    /** One series: sorted label pairs and its samples. */
    record TimeSeries(Map<String, String> labels, long[] timestamps, double[] values) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RemoteWriteClient() {
    }

    static HttpResponse<String> send(URI url, List<TimeSeries> series) throws Exception {
        byte[] body = snappyLiterals(writeRequest(series));
        return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] writeRequest(List<TimeSeries> series) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TimeSeries ts : series) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            ts.labels().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                ByteArrayOutputStream l = new ByteArrayOutputStream();
                bytesField(l, 1, e.getKey().getBytes(StandardCharsets.UTF_8));
                bytesField(l, 2, e.getValue().getBytes(StandardCharsets.UTF_8));
                bytesField(s, 1, l.toByteArray());
            });
            for (int i = 0; i < ts.timestamps().length; i++) {
                ByteArrayOutputStream sample = new ByteArrayOutputStream();
                sample.write(1 << 3 | 1);
                long bits = Double.doubleToRawLongBits(ts.values()[i]);
                for (int b = 0; b < 8; b++) {
                    sample.write((int) (bits >>> (8 * b)) & 0xff);
                }
                sample.write(2 << 3);
                varint(sample, ts.timestamps()[i]);
                bytesField(s, 2, sample.toByteArray());
            }
            bytesField(out, 1, s.toByteArray());
        }
        return out.toByteArray();
    }

    /**
     * One native histogram series of float histograms (remote write 1.0's {@code Histogram}: count_float
     * = 2, sum = 3, schema = 4, positive_spans = 11, positive_counts = 13, reset_hint = 14 as GAUGE,
     * timestamp = 15): at each timestamp the positive buckets from index 0 up with the counts given.
     */
    static HttpResponse<String> sendHistograms(URI url, Map<String, String> labels, long[] timestamps, int schema,
            double[][] positiveCounts) throws Exception {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            bytesField(l, 1, e.getKey().getBytes(StandardCharsets.UTF_8));
            bytesField(l, 2, e.getValue().getBytes(StandardCharsets.UTF_8));
            bytesField(s, 1, l.toByteArray());
        });
        for (int i = 0; i < timestamps.length; i++) {
            double[] counts = positiveCounts[i];
            double count = 0;
            for (double c : counts) {
                count += c;
            }
            ByteArrayOutputStream hist = new ByteArrayOutputStream();
            doubleField(hist, 2, count);
            doubleField(hist, 3, count);
            hist.write(4 << 3);
            varint(hist, (schema << 1) ^ (schema >> 31));
            ByteArrayOutputStream span = new ByteArrayOutputStream();
            span.write(2 << 3);
            varint(span, counts.length);
            bytesField(hist, 11, span.toByteArray());
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            for (double c : counts) {
                fixed64(packed, Double.doubleToRawLongBits(c));
            }
            bytesField(hist, 13, packed.toByteArray());
            hist.write(14 << 3);
            varint(hist, 3);
            hist.write(15 << 3);
            varint(hist, timestamps[i]);
            bytesField(s, 4, hist.toByteArray());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bytesField(out, 1, s.toByteArray());
        byte[] body = snappyLiterals(out.toByteArray());
        return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void doubleField(ByteArrayOutputStream out, int field, double value) {
        out.write(field << 3 | 1);
        fixed64(out, Double.doubleToRawLongBits(value));
    }

    private static void fixed64(ByteArrayOutputStream out, long bits) {
        for (int b = 0; b < 8; b++) {
            out.write((int) (bits >>> (8 * b)) & 0xff);
        }
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] data) {
        out.write(field << 3 | 2);
        varint(out, data.length);
        out.write(data, 0, data.length);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static byte[] snappyLiterals(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 60000 * 3 + 16);
        varint(out, data.length);
        for (int pos = 0; pos < data.length; pos += 65536) {
            int len = Math.min(65536, data.length - pos);
            int l = len - 1;
            if (l < 60) {
                out.write(l << 2);
            } else if (l < 256) {
                out.write(60 << 2);
                out.write(l);
            } else {
                out.write(61 << 2);
                out.write(l & 0xff);
                out.write(l >>> 8);
            }
            out.write(data, pos, len);
        }
        return out.toByteArray();
    }
}
