package io.promethium.distribution;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A minimal remote read client for tests: sends a {@code ReadRequest} (sampled responses) and
 * decodes the snappy-compressed {@code ReadResponse} into one line per series, sorted:
 * {@code query# {labels} t=v t=v ...}.
 */
final class RemoteReadClient {

    /** A matcher: type 0 EQ, 1 NEQ, 2 RE, 3 NRE. */
    record LabelMatcher(int type, String name, String value) {
    }

    /** The HTTP status, and the decoded series when it is 200. */
    record Result(int status, List<String> series, String error) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RemoteReadClient() {
    }

    static Result read(URI url, long start, long end, List<LabelMatcher> matchers) throws Exception {
        ByteArrayOutputStream query = new ByteArrayOutputStream();
        tag(query, 1, 0);
        varint(query, start);
        tag(query, 2, 0);
        varint(query, end);
        for (LabelMatcher m : matchers) {
            ByteArrayOutputStream mb = new ByteArrayOutputStream();
            tag(mb, 1, 0);
            varint(mb, m.type());
            bytes(mb, 2, m.name().getBytes(StandardCharsets.UTF_8));
            bytes(mb, 3, m.value().getBytes(StandardCharsets.UTF_8));
            bytes(query, 3, mb.toByteArray());
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        bytes(request, 1, query.toByteArray());
        return send(url, RemoteWriteClient.snappyLiterals(request.toByteArray()));
    }

    static Result send(URI url, byte[] body) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            return new Result(r.statusCode(), List.of(), new String(r.body(), StandardCharsets.UTF_8));
        }
        byte[] raw = snappyDecode(r.body());
        List<String> series = new ArrayList<>();
        Reader response = new Reader(raw, 0, raw.length);
        int index = 0;
        while (response.more()) {
            int tag = (int) response.varint();
            Reader result = response.sub();
            if (tag >>> 3 != 1) {
                continue;
            }
            while (result.more()) {
                int t = (int) result.varint();
                Reader ts = result.sub();
                if (t >>> 3 != 1) {
                    continue;
                }
                TreeMap<String, String> labels = new TreeMap<>();
                StringBuilder samples = new StringBuilder();
                while (ts.more()) {
                    int f = (int) ts.varint();
                    Reader field = ts.sub();
                    if (f >>> 3 == 1) {
                        String name = "";
                        String value = "";
                        while (field.more()) {
                            int lf = (int) field.varint();
                            Reader s = field.sub();
                            if (lf >>> 3 == 1) {
                                name = s.string();
                            } else {
                                value = s.string();
                            }
                        }
                        labels.put(name, value);
                    } else if (f >>> 3 == 2) {
                        double v = 0;
                        long time = 0;
                        while (field.more()) {
                            int sf = (int) field.varint();
                            if (sf == (1 << 3 | 1)) {
                                v = field.fixed64();
                            } else {
                                time = field.varint();
                            }
                        }
                        samples.append(' ').append(time).append('=').append(v);
                    }
                }
                series.add(index + "# " + labels + samples);
            }
            index++;
        }
        series.sort(String::compareTo);
        return new Result(200, series, "");
    }

    /** A protobuf reader over a byte range; {@link #sub} reads a length-delimited field. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[pos++] & 0xff;
                v |= (long) (x & 0x7f) << shift;
                if (x < 0x80) {
                    return v;
                }
            }
        }

        Reader sub() {
            int len = (int) varint();
            Reader r = new Reader(b, pos, pos + len);
            pos += len;
            return r;
        }

        String string() {
            return new String(b, pos, end - pos, StandardCharsets.UTF_8);
        }

        double fixed64() {
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (b[pos + i] & 0xff);
            }
            pos += 8;
            return Double.longBitsToDouble(v);
        }
    }

    /** Snappy block format decoding (literals and copies), for the responses. */
    static byte[] snappyDecode(byte[] in) {
        int pos = 0;
        long n = 0;
        for (int shift = 0; ; shift += 7) {
            int x = in[pos++] & 0xff;
            n |= (long) (x & 0x7f) << shift;
            if (x < 0x80) {
                break;
            }
        }
        byte[] out = new byte[(int) n];
        int o = 0;
        while (pos < in.length) {
            int tag = in[pos++] & 0xff;
            int len;
            int offset;
            switch (tag & 3) {
                case 0 -> {
                    int l = tag >>> 2;
                    if (l >= 60) {
                        int k = l - 59;
                        l = 0;
                        for (int i = 0; i < k; i++) {
                            l |= (in[pos + i] & 0xff) << (8 * i);
                        }
                        pos += k;
                    }
                    System.arraycopy(in, pos, out, o, l + 1);
                    pos += l + 1;
                    o += l + 1;
                    continue;
                }
                case 1 -> {
                    len = 4 + ((tag >>> 2) & 7);
                    offset = ((tag >>> 5) << 8) | (in[pos++] & 0xff);
                }
                case 2 -> {
                    len = 1 + (tag >>> 2);
                    offset = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8;
                    pos += 2;
                }
                default -> {
                    len = 1 + (tag >>> 2);
                    offset = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
                    pos += 4;
                }
            }
            for (int i = 0; i < len; i++) {
                out[o + i] = out[o - offset + i];
            }
            o += len;
        }
        return out;
    }

    private static void tag(ByteArrayOutputStream out, int field, int wire) {
        varint(out, (long) field << 3 | wire);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] data) {
        tag(out, field, 2);
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
}
