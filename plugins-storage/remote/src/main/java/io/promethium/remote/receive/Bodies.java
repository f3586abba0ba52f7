package io.promethium.remote.receive;

import java.io.IOException;
import java.io.InputStream;
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

    /**
     * Whether a snappy body announces more decoded bytes than {@code limit} (a decompression bomb,
     * refused by that limit), as opposed to one that is corrupt; false when its preamble is unreadable.
     */
    static boolean declaresMoreThan(byte[] compressed, int length, long limit) {
        try {
            return io.promethium.remote.wire.Snappy.decodedLength(compressed, length) > limit;
        } catch (io.promethium.remote.wire.Snappy.SnappyException e) {
            return false;
        }
    }

    private static TooLarge tooLarge(InputStream in, long limit) {
        drain(in);
        return new TooLarge("request body larger than " + limit + " bytes");
    }


    /** How much of a refused body is read past a limit before giving up on the client. */
    static final long DRAIN_BOUND = 16L << 20;

    /**
     * Reads and drops the rest of a refused body, within {@link #DRAIN_BOUND}: a client still
     * writing its body when the server closes the connection gets a reset instead of the answer
     * (413, 400), so the server reads a little further first, as Go's server does.
     */
    static void drain(InputStream in) {
        if (in == null) {
            return;
        }
        byte[] buffer = new byte[8192];
        long left = DRAIN_BOUND;
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
