package io.promethium.web.internal.query;

import java.util.ArrayDeque;

/**
 * Byte arrays a range answer's helper spelled samples into ({@link SpellAhead}), given back once
 * the response has written them and taken by the next answer's helper: each fleet panel over a
 * day otherwise allocated ~0.5 MB of them, which the response's thread only copies out, so a
 * dashboard of such panels filled a small server's young generation every few requests. At most
 * {@link #MAX_BYTES} are kept between answers.
 */
final class SpelledBytes {
    static final long MAX_BYTES = 2L << 20;

    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private long kept;

    /** A kept array, or null when there is none. */
    synchronized byte[] take() {
        byte[] b = free.poll();
        if (b != null) {
            kept -= b.length;
        }
        return b;
    }

    /** Keeps {@code bytes}, whose contents have been written, unless that would keep more than {@link #MAX_BYTES}. */
    synchronized void give(byte[] bytes) {
        if (kept + bytes.length <= MAX_BYTES) {
            free.push(bytes);
            kept += bytes.length;
        }
    }

    /** Bytes kept now. */
    synchronized long kept() {
        return kept;
    }
}
