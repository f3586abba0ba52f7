package io.promethium.discovery.scaleway.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One validated {@code scaleway_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/scaleway}, and the format checks its SDK makes of the profile):
 * {@code role} ({@code instance} or {@code baremetal}), {@code project_id}, {@code access_key} and
 * one of {@code secret_key}/{@code secret_key_file} required; {@code api_url}
 * {@code https://api.scaleway.com}, {@code zone} {@code fr-par-1}, {@code name_filter},
 * {@code tags_filter}, {@code port} 80, {@code refresh_interval} 60s, {@code http_client_config}.
 */
record ScalewaySdConfig(String role, String projectId, String apiUrl, String zone, String accessKey, String secretKey,
                        Path secretKeyFile, String nameFilter, List<String> tagsFilter, long port, Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("role", "project_id", "api_url", "zone", "access_key", "secret_key",
            "secret_key_file", "name_filter", "tags_filter", "port", "refresh_interval");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ACCESS_KEY = Pattern.compile("SCW[A-Z0-9]{17}");
    private static final Pattern ZONE = Pattern.compile("[a-z]+-[a-z]+-[0-9]+");

    @Override
    public String toString() {
        return "ScalewaySdConfig[role=" + role + ", projectId=" + projectId + ", zone=" + zone + ", secretKey=<secret>]";
    }

    static ScalewaySdConfig parse(PluginConfig config, Path configDirectory) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            // Prometheus takes any int and formats it as unsigned; refused here.
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        String role = config.string("role", "");
        if (role.isEmpty()) {
            throw config.has("role") ? config.error("role", "role missing (one of: instance, baremetal)")
                    : config.error("role missing (one of: instance, baremetal)");
        }
        if (!role.equals("instance") && !role.equals("baremetal")) {
            throw config.error("role", "unknown role \"" + role + "\"");
        }
        String project = config.string("project_id", "");
        if (project.isEmpty()) {
            throw config.error("project_id", "project_id is mandatory");
        }
        String secret = config.string("secret_key", "");
        String secretFile = config.string("secret_key_file", "");
        if (secret.isEmpty() && secretFile.isEmpty()) {
            throw config.error("one of secret_key & secret_key_file must be configured");
        }
        if (!secret.isEmpty() && !secretFile.isEmpty()) {
            throw config.error("secret_key_file", "at most one of secret_key & secret_key_file must be configured");
        }
        String accessKey = config.string("access_key", "");
        if (accessKey.isEmpty()) {
            throw config.error("access_key", "access_key is mandatory");
        }
        // The checks Scaleway's SDK makes of the profile when Prometheus loads the config.
        if (!ACCESS_KEY.matcher(accessKey).matches()) {
            throw config.error("access_key", "invalid access key format '" + accessKey + "', expected SCWXXXXXXXXXXXXXXXXX format");
        }
        if (!secret.isEmpty() && !UUID.matcher(secret).matches()) {
            throw config.error("secret_key", "invalid secret key format, expected a UUID");
        }
        if (!UUID.matcher(project).matches()) {
            throw config.error("project_id", "invalid project ID format '" + project + "', expected a UUID");
        }
        String zone = config.string("zone", "fr-par-1");
        if (!ZONE.matcher(zone).matches()) {
            throw config.error("zone", "bad zone format, available zones are: fr-par-1, fr-par-2, fr-par-3, nl-ams-1, nl-ams-2, "
                    + "nl-ams-3, pl-waw-1, pl-waw-2, pl-waw-3");
        }
        String apiUrl = config.string("api_url", "https://api.scaleway.com");
        try {
            java.net.URI uri = new java.net.URI(apiUrl);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw config.error("api_url", "invalid url " + apiUrl + ": the URL needs a scheme and a host");
            }
        } catch (java.net.URISyntaxException e) {
            throw config.error("api_url", "invalid url " + apiUrl + ": " + e.getMessage());
        }
        List<String> tags = config.has("tags_filter") ? config.strings("tags_filter") : null;
        Path file = secretFile.isEmpty() ? null : configDirectory.resolve(secretFile);
        return new ScalewaySdConfig(role, project, apiUrl.replaceAll("/+$", ""), zone, accessKey, secret, file,
                config.string("name_filter", ""), tags, port, refresh);
    }

    /** The zone's region: the zone without its number ({@code fr-par-1} is in {@code fr-par}). */
    String region() {
        return zone.substring(0, zone.lastIndexOf('-'));
    }
}
