package io.promethium.discovery.azure.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code azure_sd_configs} block with Prometheus's defaults and rules
 * ({@code discovery/azure}): {@code subscription_id} required; {@code authentication_method}
 * {@code OAuth} (then {@code tenant_id}, {@code client_id}, {@code client_secret} required),
 * {@code ManagedIdentity}, {@code WorkloadIdentity} or {@code SDK}; {@code environment}
 * {@code AzurePublicCloud}; {@code resource_group}; {@code port} 80; {@code refresh_interval} 5m;
 * {@code http_client_config} (for Resource Manager's calls, as Prometheus).
 */
record AzureSdConfig(String environment, String login, String management, long port, String subscriptionId, String tenantId,
                     String clientId, String clientSecret, Duration refreshInterval, String authenticationMethod, String resourceGroup) {

    static final Set<String> OWN_FIELDS = Set.of("environment", "port", "subscription_id", "tenant_id", "client_id", "client_secret",
            "refresh_interval", "authentication_method", "resource_group");

    /** The Azure clouds by Prometheus's names (upper case): their login authority and Resource Manager endpoint. */
    private static final Map<String, String[]> CLOUDS = Map.of(
            "AZURECHINACLOUD", new String[] {"https://login.chinacloudapi.cn/", "https://management.chinacloudapi.cn/"},
            "AZURECLOUD", new String[] {"https://login.microsoftonline.com/", "https://management.azure.com/"},
            "AZUREGERMANCLOUD", new String[] {"https://login.microsoftonline.com/", "https://management.azure.com/"},
            "AZUREPUBLICCLOUD", new String[] {"https://login.microsoftonline.com/", "https://management.azure.com/"},
            "AZUREUSGOVERNMENT", new String[] {"https://login.microsoftonline.us/", "https://management.usgovcloudapi.net/"},
            "AZUREUSGOVERNMENTCLOUD", new String[] {"https://login.microsoftonline.us/", "https://management.usgovcloudapi.net/"});

    @Override
    public String toString() {
        return "AzureSdConfig[environment=" + environment + ", subscriptionId=" + subscriptionId + ", tenantId=" + tenantId + ", clientId="
                + clientId + ", clientSecret=<secret>, authenticationMethod=" + authenticationMethod + "]";
    }

    static AzureSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        Duration refresh = config.duration("refresh_interval", Duration.ofMinutes(5));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        String subscription = config.string("subscription_id", "");
        if (subscription.isEmpty()) {
            throw config.error("azure SD configuration requires a subscription_id");
        }
        String method = config.string("authentication_method", "OAuth");
        String tenant = config.string("tenant_id", "");
        String clientId = config.string("client_id", "");
        String secret = config.string("client_secret", "");
        if (method.equals("OAuth")) {
            for (String[] required : new String[][] {{"tenant_id", tenant}, {"client_id", clientId}, {"client_secret", secret}}) {
                if (required[1].isEmpty()) {
                    throw config.error("azure SD configuration requires a " + required[0]);
                }
            }
        }
        if (!Set.of("OAuth", "ManagedIdentity", "SDK", "WorkloadIdentity").contains(method)) {
            throw config.error("authentication_method", "unknown authentication_type \"" + method
                    + "\". Supported types are \"OAuth\", \"ManagedIdentity\", \"SDK\" or \"WorkloadIdentity\"");
        }
        String environment = config.string("environment", "AzurePublicCloud");
        String[] cloud = CLOUDS.get(environment.toUpperCase(Locale.ROOT));
        if (cloud == null) {
            // Prometheus finds this out at the first refresh ("could not create Azure client"); refused at load here.
            throw config.error("environment", "there is no cloud configuration matching the name \"" + environment.toUpperCase(Locale.ROOT)
                    + "\"");
        }
        return new AzureSdConfig(environment, cloud[0], cloud[1], port, subscription, tenant, clientId, secret, refresh, method,
                config.string("resource_group", ""));
    }
}
