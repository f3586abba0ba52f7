package io.promethium.tsdb.internal.util;

/** Bytes on disk do not decode; the message says where. */
public final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }
}
