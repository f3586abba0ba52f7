package io.promethium.discovery.openstack.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/**
 * One validated {@code openstack_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/openstack}): {@code role} and {@code region} required, {@code port} 80,
 * {@code refresh_interval} 60s, {@code availability} public (or internal, admin). Of the
 * HTTP client settings only {@code tls_config} is taken, as Prometheus.
 */
record OpenstackSdConfig(String identityEndpoint, String username, String userId, String password, String projectName,
                         String projectId, String domainName, String domainId, String applicationCredentialName,
                         String applicationCredentialId, String applicationCredentialSecret, String role, String region,
                         Duration refreshInterval, long port, boolean allTenants, String availability) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);
    static final Set<String> FIELDS = Set.of("identity_endpoint", "username", "userid", "password", "project_name",
            "project_id", "domain_name", "domain_id", "application_credential_name", "application_credential_id",
            "application_credential_secret", "role", "region", "refresh_interval", "port", "all_tenants", "tls_config",
            "availability");

    static OpenstackSdConfig parse(PluginConfig config) throws ConfigException {
        config.requireOnly(FIELDS);
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        String availability = config.string("availability", "public");
        if (!Set.of("public", "internal", "admin").contains(availability)) {
            throw config.error("availability", "unknown availability " + availability + ", must be one of admin, internal or public");
        }
        String role = config.string("role", "");
        if (!role.isEmpty() && !Set.of("hypervisor", "instance", "loadbalancer").contains(role)) {
            throw config.error("role", "unknown OpenStack SD role \"" + role + "\"");
        }
        if (role.isEmpty()) {
            throw config.error("role missing (one of: instance, hypervisor, loadbalancer)");
        }
        String region = config.string("region", "");
        if (region.isEmpty()) {
            throw config.error("openstack SD configuration requires a region");
        }
        String endpoint = config.string("identity_endpoint", "");
        if (endpoint.isEmpty()) {
            // Prometheus then reads the OS_* environment variables; a config file that names its
            // endpoint is asked for here instead, so a job's settings are all in the file.
            throw config.error("identity_endpoint is required (Prometheus's fallback to the OS_* environment variables is not supported)");
        }
        try {
            URI uri = new URI(endpoint);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getRawAuthority() == null) {
                throw config.error("identity_endpoint", "identity_endpoint must be an http or https URL with a host, got \"" + endpoint + "\"");
            }
        } catch (URISyntaxException e) {
            throw config.error("identity_endpoint", "parse \"" + endpoint + "\": " + e.getMessage());
        }
        String appId = config.string("application_credential_id", "");
        String appName = config.string("application_credential_name", "");
        String appSecret = config.string("application_credential_secret", "");
        String username = config.string("username", "");
        String userId = config.string("userid", "");
        String password = config.string("password", "");
        if (appId.isEmpty() && appName.isEmpty()) {
            if (username.isEmpty() && userId.isEmpty()) {
                throw config.error("one of username, userid, application_credential_id or application_credential_name is required");
            }
            if (password.isEmpty()) {
                throw config.error("password is required with username or userid");
            }
        } else if (appSecret.isEmpty()) {
            throw config.error("application_credential_secret is required with an application credential");
        } else if (appId.isEmpty() && username.isEmpty() && userId.isEmpty()) {
            throw config.error("application_credential_name needs username or userid");
        }
        String domainName = config.string("domain_name", "");
        String domainId = config.string("domain_id", "");
        if (!username.isEmpty() && userId.isEmpty() && domainName.isEmpty() && domainId.isEmpty()) {
            throw config.error("username needs domain_name or domain_id");
        }
        String projectName = config.string("project_name", "");
        if (!projectName.isEmpty() && domainName.isEmpty() && domainId.isEmpty()) {
            throw config.error("project_name needs domain_name or domain_id");
        }
        return new OpenstackSdConfig(endpoint, username, userId, password, projectName, config.string("project_id", ""),
                domainName, domainId, appName, appId, appSecret, role, region, refresh, port,
                config.bool("all_tenants", false), availability);
    }

    @Override
    public String toString() {
        // Secrets are never printed.
        return "OpenstackSdConfig[" + identityEndpoint + ", role=" + role + ", region=" + region + "]";
    }
}
