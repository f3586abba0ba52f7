package io.promethium.remote.wire;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads protobuf wire format from a byte range: tags, varints, fixed64 and length-delimited
 * fields, checking every length against the range. Unknown fields are skipped as protobuf says.
 */
public final class ProtoReader {

    /** Malformed protobuf. */
    public static final class ProtoException extends Exception {
        private static final long serialVersionUID = 1L;

        public ProtoException(String message) {
            super(message);
        }
    }

    private final byte[] buf;
    private int pos;
    private final int limit;

    public ProtoReader(byte[] buf, int offset, int limit) {
        this.buf = buf;
        this.pos = offset;
        this.limit = limit;
    }

    public boolean hasMore() {
        return pos < limit;
    }

    /** The next tag (field number << 3 | wire type). */
    public int tag() throws ProtoException {
        long tag = varint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw new ProtoException("proto: illegal tag " + tag + " at byte " + pos);
        }
        return (int) tag;
    }

    public long varint() throws ProtoException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new ProtoException("proto: unexpected end of input in varint");
            }
            int b = buf[pos++] & 0xff;
            result |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return result;
            }
        }
        throw new ProtoException("proto: varint overflow at byte " + pos);
    }

    /** A zigzag-encoded {@code sint32}/{@code sint64}. */
    public long sint64() throws ProtoException {
        long v = varint();
        return (v >>> 1) ^ -(v & 1);
    }

    public double fixed64AsDouble() throws ProtoException {
        if (limit - pos < 8) {
            throw new ProtoException("proto: unexpected end of input in fixed64");
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return Double.longBitsToDouble(v);
    }

    /** Reads a length prefix and returns the end of the embedded range, leaving the position at its start. */
    public int lengthDelimitedEnd() throws ProtoException {
        long len = varint();
        if (len < 0 || len > limit - pos) {
            throw new ProtoException("proto: length " + len + " past the end of the message at byte " + pos);
        }
        return pos + (int) len;
    }

    public int position() {
        return pos;
    }

    public void position(int p) {
        pos = p;
    }

    public byte[] buffer() {
        return buf;
    }

    public String string() throws ProtoException {
        int end = lengthDelimitedEnd();
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, pos, end - pos)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtoException("proto: string field is not valid UTF-8 at byte " + pos);
        }
        pos = end;
        return s;
    }

    public void skip(int tag) throws ProtoException {
        switch (tag & 7) {
            case 0 -> varint();
            case 1 -> {
                if (limit - pos < 8) {
                    throw new ProtoException("proto: unexpected end of input");
                }
                pos += 8;
            }
            case 2 -> pos = lengthDelimitedEnd();
            case 5 -> {
                if (limit - pos < 4) {
                    throw new ProtoException("proto: unexpected end of input");
                }
                pos += 4;
            }
            default -> throw new ProtoException("proto: unsupported wire type " + (tag & 7) + " at byte " + pos);
        }
    }
}
