package io.promethium.remote.write;

import io.promethium.api.trace.Tracer;

/**
 * Delivers one compressed request to the receiver. The seam between the queue (batching,
 * retries, accounting) and HTTP, so the queue is tested against misbehaving receivers.
 */
interface Sender extends AutoCloseable {

    /**
     * What the receiver made of a request; {@code written} holds the remote write 2.0 answer's
     * {@code X-Prometheus-Remote-Write-Samples/Histograms/Exemplars-Written} headers, each -1 when
     * absent (a 1.0 receiver, or an error before the receiver counted).
     */
    record Outcome(int status, String error, long retryAfterMillis, long samplesWritten, long histogramsWritten, long exemplarsWritten) {
        Outcome(int status, String error, long retryAfterMillis) {
            this(status, error, retryAfterMillis, -1, -1, -1);
        }

        static Outcome failed(String error) {
            return new Outcome(0, error, -1);
        }

        /** Whether the receiver confirmed what it wrote (2.0's headers). */
        boolean confirmed() {
            return samplesWritten >= 0 || histogramsWritten >= 0 || exemplarsWritten >= 0;
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** Sends {@code length} bytes of {@code body}; never throws for network or HTTP errors. */
    Outcome send(byte[] body, int length, int attempt) throws InterruptedException;

    /**
     * As {@link #send(byte[], int, int)}, traced with {@code tracer} (read once per batch by the
     * caller): a sender that makes requests records them and hands their trace context on.
     */
    default Outcome send(byte[] body, int length, int attempt, Tracer tracer) throws InterruptedException {
        return send(body, length, attempt);
    }

    /** Releases the connections; called once when the queue closes. */
    @Override
    default void close() {
    }
}
