package io.promethium.config;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the server that follows the outcome of every config load, successful or not (the
 * notifications the UI shows, for one). Register it as a service: the config bundle calls it
 * after each load, and at once with the last outcome when it appears after the first load.
 * Called on the reloading thread: it must be quick and must not throw.
 */
@ConsumerType
public interface ReloadListener {

    /** A load of the config file ended with {@code result}. */
    void reloaded(ConfigService.ReloadResult result);
}
