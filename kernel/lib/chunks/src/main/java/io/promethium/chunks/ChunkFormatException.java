package io.promethium.chunks;

/** A chunk's bytes do not decode: truncated or corrupt. */
public final class ChunkFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChunkFormatException(String message) {
        super(message);
    }
}
