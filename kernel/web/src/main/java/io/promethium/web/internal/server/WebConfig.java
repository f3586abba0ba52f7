package io.promethium.web.internal.server;

import java.util.function.UnaryOperator;

/**
 * The web bundle's settings, from the framework properties {@code promethium.flag.<name>} the
 * launcher sets from the command line: {@code --web.listen-address} and {@code --web.external-url}
 * are the launcher's own (it resolves the external URL every bundle uses from them), the others
 * this bundle declares in its {@code Promethium-Flags} header. Values stay strings here; they are
 * checked where used, with messages naming the flag.
 */
record WebConfig(String listenAddress, String webConfigFile, String externalUrl, String enableLifecycle,
                 String enableAdminApi, String maxConnections, String readTimeout) {

    /** @param properties a framework property by name (null when unset: a bare framework gets the defaults) */
    static WebConfig fromFlags(UnaryOperator<String> properties) {
        return new WebConfig(
                flag(properties, "web.listen-address", "0.0.0.0:9090"),
                flag(properties, "web.config.file", ""),
                flag(properties, "web.external-url", ""),
                flag(properties, "web.enable-lifecycle", "false"),
                flag(properties, "web.enable-admin-api", "false"),
                flag(properties, "web.max-connections", "512"),
                flag(properties, "web.read-timeout", "5m"));
    }

    private static String flag(UnaryOperator<String> properties, String name, String fallback) {
        String value = properties.apply("promethium.flag." + name);
        return value == null ? fallback : value;
    }
}
