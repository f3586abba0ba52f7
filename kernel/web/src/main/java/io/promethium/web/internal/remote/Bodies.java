package io.promethium.web.internal.remote;

import java.io.IOException;
import java.io.InputStream;
import io.promethium.web.internal.api.BodyDrain;
import java.util.Arrays;

/** Reads a request body whole, refusing one larger than a limit before buffering it all. */
final class Bodies {

    /** A body over the limit: answered 413. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    private Bodies() {
    }

    /** The body bytes; the array may be longer than the body, whose length is {@code length[0]}. */
    static byte[] read(InputStream in, long limit, int[] length) throws IOException, TooLarge {
        if (in == null) {
            length[0] = 0;
            return new byte[0];
        }
        byte[] buf = new byte[8192];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (buf.length > limit) {
                    throw tooLarge(in, limit);
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, limit + 1));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n > limit) {
                throw tooLarge(in, limit);
            }
        }
        length[0] = n;
        return buf;
    }

    private static TooLarge tooLarge(InputStream in, long limit) {
        BodyDrain.drain(in, BodyDrain.BOUND);
        return new TooLarge("request body larger than " + limit + " bytes");
    }

}
