package io.promethium.config.lifecycle;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How a consumer builds one config part from a plugin service, and closes it. Called by the
 * {@link PluginTracker} with its lock held, one call at a time per tracker: keep both quick.
 *
 * @param <S> the plugin service ({@code DiscovererFactory}, {@code NotifierFactory}, ...)
 * @param <T> what the consumer builds from it ({@code Discoverer}, {@code Notifier}, ...)
 */
@ConsumerType
public interface PluginBuilder<S, T> {

    /**
     * Builds the part from {@code service}; an exception leaves the part without a built value
     * (its {@link PluginUse#error()} says why) until the next service of its type arrives.
     */
    T build(S service) throws Exception;

    /** Closes what {@link #build} made; after it returns no code of the service runs for this part. */
    void close(T built, Closing why);

    /**
     * The service of this part's type went ({@link Closing#GONE}) and no replacement arrived within
     * the tracker's grace period, or the replacement failed building the part: what the consumer
     * held over for a replacement should go now.
     */
    default void expired() {
    }
}
