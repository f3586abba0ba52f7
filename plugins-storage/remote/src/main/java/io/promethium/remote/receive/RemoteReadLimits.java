package io.promethium.remote.receive;

import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;

/**
 * The remote read endpoint's limits, from Prometheus's flags (declared in this bundle's
 * {@code bnd.bnd}, handed over as framework properties {@code promethium.flag.<name>}).
 *
 * @param sampleLimit {@code --storage.remote.read-sample-limit}: most samples one sampled
 *        response holds (0: no limit); streamed responses are not limited, as in Prometheus
 * @param concurrentLimit {@code --storage.remote.read-concurrent-limit}: most reads served at
 *        once, the others wait for a turn (0: no limit)
 * @param maxBytesInFrame {@code --storage.remote.read-max-bytes-in-frame}: a streamed frame is
 *        sent once its message reaches this size (a long series continues in the next frame)
 */
public record RemoteReadLimits(long sampleLimit, int concurrentLimit, int maxBytesInFrame) {

    /** Prometheus's defaults. */
    public static final RemoteReadLimits DEFAULT = new RemoteReadLimits(50_000_000L, 10, 1_048_576);

    private static final String PREFIX = "promethium.flag.";

    public RemoteReadLimits {
        if (sampleLimit < 0 || concurrentLimit < 0 || maxBytesInFrame <= 0) {
            throw new IllegalArgumentException("remote read limits must not be negative and the frame size positive");
        }
    }

    /** Reads the flags; {@code property} looks a framework property up (null when unset). */
    public static RemoteReadLimits fromFlags(UnaryOperator<String> property) {
        return new RemoteReadLimits(
                number(property, "storage.remote.read-sample-limit", DEFAULT.sampleLimit(), 0),
                (int) number(property, "storage.remote.read-concurrent-limit", DEFAULT.concurrentLimit(), 0),
                (int) number(property, "storage.remote.read-max-bytes-in-frame", DEFAULT.maxBytesInFrame(), 1));
    }

    /** A gate admitting {@link #concurrentLimit} reads at once, or null when unlimited. */
    Semaphore gate() {
        return concurrentLimit == 0 ? null : new Semaphore(concurrentLimit, true);
    }

    private static long number(UnaryOperator<String> property, String name, long def, long min) {
        String text = property.apply(PREFIX + name);
        if (text == null || text.isBlank()) {
            return def;
        }
        long value;
        try {
            // Prometheus's flags are Go ints; 5e7 is how its help shows the sample limit's default.
            value = text.strip().matches("[0-9.]+[eE][0-9]+") ? (long) Double.parseDouble(text.strip()) : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": invalid number \"" + text + "\"");
        }
        if (value < min || value > Integer.MAX_VALUE && !name.endsWith("sample-limit")) {
            throw new IllegalArgumentException("--" + name + ": " + value + " is out of range (at least " + min + ")");
        }
        return value;
    }
}
