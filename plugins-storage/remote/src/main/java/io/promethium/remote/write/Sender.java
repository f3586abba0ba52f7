package io.promethium.remote.write;

/**
 * Delivers one compressed request to the receiver. The seam between the queue (batching,
 * retries, accounting) and HTTP, so the queue is tested against misbehaving receivers.
 */
interface Sender extends AutoCloseable {

    /** What the receiver made of a request. */
    record Outcome(int status, String error, long retryAfterMillis) {
        static Outcome failed(String error) {
            return new Outcome(0, error, -1);
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** Sends {@code length} bytes of {@code body}; never throws for network or HTTP errors. */
    Outcome send(byte[] body, int length, int attempt) throws InterruptedException;

    /** Releases the connections; called once when the queue closes. */
    @Override
    default void close() {
    }
}
