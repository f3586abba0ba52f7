package io.promethium.remote.write;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs a queue's send errors once per change: the first failure, every different failure after
 * it, and the recovery; a receiver that stays down for an hour writes one line, not thousands.
 */
final class ErrorLog {
    private static final Logger LOG = Logger.getLogger("io.promethium.remote.write");

    private final String queue;
    private String last;

    ErrorLog(String queue) {
        this.queue = queue;
    }

    synchronized void failed(String kind, String error, boolean willRetry) {
        String key = kind + ": " + error;
        if (!key.equals(last)) {
            last = key;
            LOG.log(Level.WARNING, "remote_write " + queue + ": " + kind + " failed: " + error
                    + (willRetry ? " (recoverable: retrying with backoff, the WAL keeps the data)" : " (not recoverable: dropped and counted)"));
        }
    }

    synchronized void succeeded() {
        if (last != null) {
            LOG.info("remote_write " + queue + ": sending works again after: " + last);
            last = null;
        }
    }

    synchronized String last() {
        return last;
    }
}
