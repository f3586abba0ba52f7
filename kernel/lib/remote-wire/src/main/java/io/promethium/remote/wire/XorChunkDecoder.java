package io.promethium.remote.wire;

import io.promethium.chunks.BitReader;
import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.Varbits;
import io.promethium.chunks.XorField;
import java.util.List;

/**
 * Reads Prometheus's XOR chunk (see {@link XorChunkEncoder}): a 2-byte big-endian sample count,
 * then the bit stream. Every read is checked against the chunk's end, so a hostile or truncated
 * chunk fails with {@link ProtoReader.ProtoException} instead of reading past it.
 */
public final class XorChunkDecoder {

    private XorChunkDecoder() {
    }

    /** Receives decoded samples. */
    public interface SampleSink {
        void sample(long timestamp, double value);
    }

    /** Decodes the chunk in {@code data[start, end)}, adding {@code {t, v}} pairs to {@code out}. */
    public static void decode(byte[] data, int start, int end, List<double[]> out) {
        try {
            decode(data, start, end, (t, v) -> out.add(new double[] {t, v}));
        } catch (ProtoReader.ProtoException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Decodes the chunk in {@code data[start, end)} into {@code sink}. */
    public static void decode(byte[] data, int start, int end, SampleSink sink) throws ProtoReader.ProtoException {
        if (end - start < 2) {
            throw new ProtoReader.ProtoException("xor chunk: shorter than its header");
        }
        int count = ((data[start] & 0xff) << 8) | (data[start + 1] & 0xff);
        BitReader in = new BitReader();
        in.reset(data, start + 2, end - start - 2);
        XorField value = new XorField();
        long t = 0;
        long delta = 0;
        try {
            for (int i = 0; i < count; i++) {
                long v;
                if (i == 0) {
                    t = Varbits.readVarint(in);
                    v = value.readFirst(in);
                } else {
                    delta = i == 1 ? Varbits.readUvarint(in) : delta + Varbits.readPrometheusDod(in);
                    t += delta;
                    v = value.read(in);
                }
                sink.sample(t, Double.longBitsToDouble(v));
            }
        } catch (ChunkFormatException e) {
            throw new ProtoReader.ProtoException("xor chunk: " + e.getMessage());
        }
    }
}
