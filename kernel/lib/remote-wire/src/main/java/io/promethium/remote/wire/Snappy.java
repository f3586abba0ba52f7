package io.promethium.remote.wire;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Snappy's block format (what remote write and remote read carry), written here so the bundle
 * needs no native library. Decoding checks every length and offset against the input and a limit
 * on the decoded size, so a hostile body fails with a message instead of exhausting memory.
 */
public final class Snappy {

    private Snappy() {
    }

    /** A body that is not valid snappy, or decodes past the limit. */
    public static final class SnappyException extends Exception {
        private static final long serialVersionUID = 1L;

        SnappyException(String message) {
            super(message);
        }
    }

    /** The decoded length the preamble announces. */
    public static long decodedLength(byte[] in, int length) throws SnappyException {
        long result = 0;
        int shift = 0;
        for (int i = 0; i < length && i < 10; i++) {
            int b = in[i] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return result;
            }
            shift += 7;
        }
        throw new SnappyException("snappy: corrupt input (bad length preamble)");
    }

    public static byte[] decode(byte[] in, int length, long maxDecoded) throws SnappyException {
        long declared = decodedLength(in, length);
        if (declared > maxDecoded) {
            throw new SnappyException("snappy: decoded length " + declared + " exceeds the limit of " + maxDecoded + " bytes");
        }
        int pos = 0;
        while ((in[pos] & 0x80) != 0) {
            pos++;
        }
        pos++;
        byte[] out = new byte[(int) declared];
        int o = 0;
        while (pos < length) {
            int tag = in[pos++] & 0xff;
            int len;
            int offset;
            switch (tag & 3) {
                case 0 -> {
                    int l = tag >>> 2;
                    if (l >= 60) {
                        int bytes = l - 59;
                        if (pos + bytes > length) {
                            throw corrupt();
                        }
                        long v = 0;
                        for (int i = 0; i < bytes; i++) {
                            v |= (long) (in[pos + i] & 0xff) << (8 * i);
                        }
                        pos += bytes;
                        if (v > Integer.MAX_VALUE - 1) {
                            throw corrupt();
                        }
                        l = (int) v;
                    }
                    len = l + 1;
                    if (len > length - pos || len > out.length - o) {
                        throw corrupt();
                    }
                    System.arraycopy(in, pos, out, o, len);
                    pos += len;
                    o += len;
                    continue;
                }
                case 1 -> {
                    if (pos >= length) {
                        throw corrupt();
                    }
                    len = 4 + ((tag >>> 2) & 7);
                    offset = ((tag >>> 5) << 8) | (in[pos++] & 0xff);
                }
                case 2 -> {
                    if (pos + 2 > length) {
                        throw corrupt();
                    }
                    len = 1 + (tag >>> 2);
                    offset = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8;
                    pos += 2;
                }
                default -> {
                    if (pos + 4 > length) {
                        throw corrupt();
                    }
                    len = 1 + (tag >>> 2);
                    offset = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | (in[pos + 3] & 0xff) << 24;
                    pos += 4;
                }
            }
            if (offset <= 0 || offset > o || len > out.length - o) {
                throw corrupt();
            }
            // Copies may overlap their own output (run-length style), so copy byte by byte.
            for (int i = 0; i < len; i++) {
                out[o + i] = out[o - offset + i];
            }
            o += len;
        }
        if (o != out.length) {
            throw corrupt();
        }
        return out;
    }

    private static SnappyException corrupt() {
        return new SnappyException("snappy: corrupt input");
    }

    /** Compresses with a greedy 4-byte hash match, as the reference encoder does in spirit. */
    public static byte[] encode(byte[] in, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 16);
        long n = length;
        while (n >= 0x80) {
            out.write((int) (n & 0x7f) | 0x80);
            n >>>= 7;
        }
        out.write((int) n);
        int[] table = new int[1 << 14];
        Arrays.fill(table, -1);
        int literalStart = 0;
        int i = 0;
        while (i + 4 <= length) {
            int key = readInt(in, i);
            int h = (key * 0x1e35a7bd) >>> 18;
            int candidate = table[h];
            table[h] = i;
            if (candidate >= 0 && i - candidate < 65536 && readInt(in, candidate) == key) {
                writeLiteral(out, in, literalStart, i - literalStart);
                int matchLen = 4;
                while (i + matchLen < length && in[candidate + matchLen] == in[i + matchLen]) {
                    matchLen++;
                }
                writeCopy(out, i - candidate, matchLen);
                i += matchLen;
                literalStart = i;
            } else {
                i++;
            }
        }
        writeLiteral(out, in, literalStart, length - literalStart);
        return out.toByteArray();
    }

    private static int readInt(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static void writeLiteral(ByteArrayOutputStream out, byte[] in, int start, int len) {
        if (len == 0) {
            return;
        }
        int l = len - 1;
        if (l < 60) {
            out.write(l << 2);
        } else if (l < 1 << 8) {
            out.write(60 << 2);
            out.write(l);
        } else if (l < 1 << 16) {
            out.write(61 << 2);
            out.write(l & 0xff);
            out.write(l >>> 8);
        } else if (l < 1 << 24) {
            out.write(62 << 2);
            out.write(l & 0xff);
            out.write((l >>> 8) & 0xff);
            out.write(l >>> 16);
        } else {
            out.write(63 << 2);
            out.write(l & 0xff);
            out.write((l >>> 8) & 0xff);
            out.write((l >>> 16) & 0xff);
            out.write(l >>> 24);
        }
        out.write(in, start, len);
    }

    private static void writeCopy(ByteArrayOutputStream out, int offset, int len) {
        // Copies of at most 64 bytes with a 2-byte offset; longer matches are split.
        while (len > 0) {
            int chunk = Math.min(len, 64);
            out.write(((chunk - 1) << 2) | 2);
            out.write(offset & 0xff);
            out.write(offset >>> 8);
            len -= chunk;
        }
    }
}
