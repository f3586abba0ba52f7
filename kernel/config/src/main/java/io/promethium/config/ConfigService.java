package io.promethium.config;

import io.promethium.config.model.PrometheusConfig;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/** The running config: what is in force, and reloading it. Thread-safe. */
@ProviderType
public interface ConfigService {

    /** The config in force. */
    PrometheusConfig current();

    /**
     * Loads the config file again and hands it to every {@link ConfigConsumer}. A file that does
     * not load leaves the current config in force.
     *
     * @return the outcome, with the error text when it failed
     */
    ReloadResult reload();

    /** The outcome of the last reload (or of the initial load). */
    ReloadResult lastReload();

    /** The outcome of a (re)load. */
    record ReloadResult(boolean success, Instant at, String error) {
        public ReloadResult {
            error = error == null ? "" : error;
        }
    }
}
