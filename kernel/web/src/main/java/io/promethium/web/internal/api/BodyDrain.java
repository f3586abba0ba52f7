package io.promethium.web.internal.api;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and drops the rest of a refused request body, within a bound. A client still writing its
 * body when the server closes the connection gets a reset instead of the answer (413, 400), so
 * the server reads a little further before answering, as Go's server does.
 */
public final class BodyDrain {

    /** How much past a limit is read before giving up on the client. */
    public static final long BOUND = 16L << 20;

    private BodyDrain() {
    }

    public static void drain(InputStream in, long max) {
        if (in == null) {
            return;
        }
        byte[] buffer = new byte[8192];
        long left = max;
        try {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // The client went away; the answer is moot.
        }
    }
}
