package io.promethium.launcher;

import java.io.IOException;
import java.net.InetAddress;

/**
 * The server's external URL, resolved once so that every bundle (rule templates, generator
 * URLs, notification templates) uses the same one. Handed to bundles as the framework property
 * {@link #PROPERTY}.
 */
final class ExternalUrl {

    /** The framework property holding the resolved URL, without a trailing slash. */
    static final String PROPERTY = "promethium.external-url";

    private ExternalUrl() {
    }

    /**
     * {@code --web.external-url} without its trailing slash; when unset, Prometheus's default:
     * {@code http://<hostname>:<port of --web.listen-address>}.
     */
    static String resolve(String flag, String listenAddress) {
        if (flag != null && !flag.isBlank()) {
            String url = flag.strip();
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        // Several listen addresses (a repeated flag, joined by commas): the first, as Prometheus.
        String first = listenAddress == null ? null : listenAddress.split(",", -1)[0].strip();
        String port = first != null && first.lastIndexOf(':') >= 0
                ? first.substring(first.lastIndexOf(':') + 1) : "9090";
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return "http://" + host + ":" + port;
    }
}
