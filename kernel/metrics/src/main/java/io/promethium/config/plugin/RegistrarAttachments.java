package io.promethium.config.plugin;

import java.util.function.Supplier;

/**
 * Implemented by the kernel's {@code MetricsRegistrar} service: state that kernel bundles keep per
 * registrar (one per server), created on first use. It lets a bundle above this one (the config
 * bundle's plugin trackers) share a collection through the registrar every consumer already holds,
 * without this bundle knowing its type.
 */
public interface RegistrarAttachments {

    /** The attachment of this type, created by {@code create} the first time it is asked for. */
    <T> T attachment(Class<T> type, Supplier<T> create);
}
