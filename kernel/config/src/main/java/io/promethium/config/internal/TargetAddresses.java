package io.promethium.config.internal;

/**
 * A target is {@code host:port} (or a bare host), never a URL: Prometheus rejects any address
 * with a {@code /} in it ({@code http://host}, {@code host:9100/metrics}), in static configs,
 * file_sd target files and Alertmanager targets alike.
 */
public final class TargetAddresses {

    private TargetAddresses() {
    }

    /** The error for an address, or null when it is acceptable. */
    public static String violation(String address) {
        return address.indexOf('/') >= 0 ? "\"" + address + "\" is not a valid hostname" : null;
    }
}
