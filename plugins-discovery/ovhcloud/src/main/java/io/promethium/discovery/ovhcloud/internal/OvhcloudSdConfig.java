package io.promethium.discovery.ovhcloud.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code ovhcloud_sd_configs} block with Prometheus's defaults and checks
 * ({@code discovery/ovhcloud/ovhcloud.go}): {@code endpoint} ({@code ovh-eu}; one of the OVHcloud
 * client's endpoint names or a URL), {@code application_key}, {@code application_secret},
 * {@code consumer_key} (all required), {@code service} ({@code vps} or
 * {@code dedicated_server}), {@code refresh_interval} 60s. No {@code http_client_config}, as in
 * Prometheus.
 *
 * @param endpoint the API root, without a trailing slash ({@code https://eu.api.ovh.com/1.0})
 */
record OvhcloudSdConfig(URI endpoint, String applicationKey, String applicationSecret, String consumerKey, String service,
                        Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("endpoint", "application_key", "application_secret", "consumer_key", "refresh_interval",
            "service");

    /** The endpoint names of OVHcloud's client library (go-ovh), as Prometheus resolves them. */
    static final Map<String, String> ENDPOINTS = Map.of(
            "ovh-eu", "https://eu.api.ovh.com/1.0",
            "ovh-ca", "https://ca.api.ovh.com/1.0",
            "ovh-us", "https://api.us.ovhcloud.com/1.0",
            "kimsufi-eu", "https://eu.api.kimsufi.com/1.0",
            "kimsufi-ca", "https://ca.api.kimsufi.com/1.0",
            "soyoustart-eu", "https://eu.api.soyoustart.com/1.0",
            "soyoustart-ca", "https://ca.api.soyoustart.com/1.0");

    @Override
    public String toString() {
        return "OvhcloudSdConfig[endpoint=" + endpoint + ", applicationKey=" + applicationKey + ", applicationSecret=<secret>, "
                + "consumerKey=<secret>, service=" + service + ", refreshInterval=" + refreshInterval + "]";
    }

    static OvhcloudSdConfig parse(PluginConfig config) throws ConfigException {
        config.requireOnly(OWN_FIELDS);
        String endpoint = config.string("endpoint", "ovh-eu");
        if (endpoint.isEmpty()) {
            throw config.error("endpoint", "endpoint can not be empty");
        }
        if (config.string("application_key", "").isEmpty()) {
            throw config.error("application key can not be empty");
        }
        if (config.string("application_secret", "").isEmpty()) {
            throw config.error("application secret can not be empty");
        }
        if (config.string("consumer_key", "").isEmpty()) {
            throw config.error("consumer key can not be empty");
        }
        String service = config.string("service", "");
        if (!service.equals("vps") && !service.equals("dedicated_server")) {
            String message = "unknown service: " + service;
            throw config.has("service") ? config.error("service", message) : config.error(message);
        }
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        // The client library's checks, which Prometheus meets only when it first refreshes: refused at load here.
        if (endpoint.endsWith("/")) {
            throw config.error("endpoint", "endpoint name cannot have a trailing slash");
        }
        String url = endpoint.contains("/") ? endpoint : ENDPOINTS.get(endpoint);
        if (url == null) {
            throw config.error("endpoint", "unknown endpoint '" + endpoint + "', consider checking 'Endpoints' list or using an URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw config.error("endpoint", "parse \"" + url + "\": " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw config.error("endpoint", "endpoint must be a URL with a scheme and a host, got \"" + endpoint + "\"");
        }
        return new OvhcloudSdConfig(uri, config.string("application_key", ""), config.string("application_secret", ""),
                config.string("consumer_key", ""), service, refresh);
    }
}
