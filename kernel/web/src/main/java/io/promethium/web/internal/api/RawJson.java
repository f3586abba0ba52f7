package io.promethium.web.internal.api;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A piece of JSON already written as ASCII bytes into a reused array, handed to the generator as
 * a raw value ({@code JsonGenerator.writeRawValue}), which copies it into its own buffer and puts
 * the separators around it. Not a string: the quoted forms are never asked for a raw value.
 */
final class RawJson implements SerializableString {
    final byte[] bytes;
    int length;

    RawJson(int capacity) {
        bytes = new byte[capacity];
    }

    @Override
    public String getValue() {
        return new String(bytes, 0, length, StandardCharsets.US_ASCII);
    }

    @Override
    public int charLength() {
        return length;
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (buffer.length - offset < length) {
            return -1;
        }
        System.arraycopy(bytes, 0, buffer, offset, length);
        return length;
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return Arrays.copyOf(bytes, length);
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        if (buffer.length - offset < length) {
            return -1;
        }
        for (int i = 0; i < length; i++) {
            buffer[offset + i] = (char) bytes[i];
        }
        return length;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
        return length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (buffer.remaining() < length) {
            return -1;
        }
        buffer.put(bytes, 0, length);
        return length;
    }

    @Override
    public char[] asQuotedChars() {
        throw new UnsupportedOperationException("a raw JSON value is never quoted");
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw new UnsupportedOperationException("a raw JSON value is never quoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        throw new UnsupportedOperationException("a raw JSON value is never quoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        throw new UnsupportedOperationException("a raw JSON value is never quoted");
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw new UnsupportedOperationException("a raw JSON value is never quoted");
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw new UnsupportedOperationException("a raw JSON value is never quoted");
    }
}
