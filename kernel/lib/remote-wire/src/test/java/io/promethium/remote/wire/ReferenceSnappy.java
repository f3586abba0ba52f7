package io.promethium.remote.wire;

import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.util.Arrays;

/**
 * Snappy by an independent implementation, aircompressor's pure-Java one: the judge of
 * {@link Snappy}. Public in this module's test jar, for the web bundle's endpoint tests.
 */
public final class ReferenceSnappy {

    private ReferenceSnappy() {
    }

    public static byte[] encode(byte[] input) {
        SnappyCompressor compressor = new SnappyCompressor();
        byte[] out = new byte[compressor.maxCompressedLength(input.length)];
        return Arrays.copyOf(out, compressor.compress(input, 0, input.length, out, 0, out.length));
    }

    public static byte[] decode(byte[] compressed) {
        byte[] out = new byte[SnappyDecompressor.getUncompressedLength(compressed, 0)];
        int n = new SnappyDecompressor().decompress(compressed, 0, compressed.length, out, 0, out.length);
        if (n != out.length) {
            throw new AssertionError("aircompressor decoded " + n + " bytes, the preamble said " + out.length);
        }
        return out;
    }
}
