package io.promethium.api.discovery;

import io.promethium.api.plugin.MetricsRegistrar;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The failures of a discoverer's calls (a lookup per name, a query per service): each one
 * counted, but logged only when a call's error changes, and once more when it succeeds again,
 * so a peer that stays down does not flood the log. Thread-safe.
 *
 * @since 1.2
 */
public final class DiscoveryFailures {

    private final String prefix;
    private final Logger log;
    private final MetricsRegistrar.Counter counter;
    private final Map<String, String> errors = new HashMap<>();

    /**
     * @param prefix starts every log line, e.g. {@code "DNS-SD: "}
     * @param counter counts every failure (a {@code prometheus_sd_*_failures_total}); given 0 at
     *        once, so the series exists before the first failure
     */
    public DiscoveryFailures(String prefix, Logger log, MetricsRegistrar.Counter counter) {
        this.prefix = Objects.requireNonNull(prefix, "prefix is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.counter = Objects.requireNonNull(counter, "counter is null");
        // As Prometheus instantiates its refresh metrics with the discoverer: the job's failures
        // counter is on /metrics at 0 from the start, not only after the first failure.
        counter.add(0);
    }

    /**
     * Counts a failure of {@code call}; logs {@code what: message} at WARNING when the call did
     * not fail before or failed with another message.
     *
     * @return whether it was logged
     */
    public boolean failed(String call, String what, Exception e) {
        counter.inc();
        String message = e.getMessage();
        boolean changed;
        synchronized (errors) {
            boolean had = errors.containsKey(call);
            String previous = errors.put(call, message);
            changed = !had || !Objects.equals(previous, message);
        }
        if (changed) {
            log.log(Level.WARNING, prefix + what + ": " + message);
        }
        return changed;
    }

    /** {@code call} succeeded; logs that it {@code succeeds again} when it was failing. */
    public void succeeded(String call) {
        boolean recovered;
        synchronized (errors) {
            recovered = errors.containsKey(call);
            errors.remove(call);
        }
        if (recovered) {
            log.info(prefix + call + " succeeds again");
        }
    }

    /** Whether {@code call}'s last attempt failed. */
    public boolean failing(String call) {
        synchronized (errors) {
            return errors.containsKey(call);
        }
    }
}
