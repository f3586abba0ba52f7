package io.promethium.web.internal.remote;

import io.promethium.remote.wire.Snappy;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.util.Arrays;

/** Snappy by an independent implementation, aircompressor's pure-Java one: the judge of {@link Snappy}. */
final class ReferenceSnappy {

    private ReferenceSnappy() {
    }

    static byte[] encode(byte[] input) {
        SnappyCompressor compressor = new SnappyCompressor();
        byte[] out = new byte[compressor.maxCompressedLength(input.length)];
        return Arrays.copyOf(out, compressor.compress(input, 0, input.length, out, 0, out.length));
    }

    static byte[] decode(byte[] compressed) {
        byte[] out = new byte[SnappyDecompressor.getUncompressedLength(compressed, 0)];
        int n = new SnappyDecompressor().decompress(compressed, 0, compressed.length, out, 0, out.length);
        if (n != out.length) {
            throw new AssertionError("aircompressor decoded " + n + " bytes, the preamble said " + out.length);
        }
        return out;
    }
}
