package io.promethium.config;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.PrometheusConfig;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the server that follows the config (scrape manager, rule manager, ...). Register it
 * as a service: the config bundle calls it with the current config when it appears and with
 * every successfully loaded config after that.
 */
@ConsumerType
public interface ConfigConsumer {

    /**
     * Applies a new config. Must be quick and must not throw for a config that
     * {@link ConfigLoader} accepted, except when the consumer cannot apply it; the reload is
     * then reported as failed, and other consumers still get it (as in Prometheus).
     */
    void applyConfig(PrometheusConfig config) throws ConfigException;
}
