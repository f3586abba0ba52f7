package io.promethium.discovery.aws.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code aws_sd_configs} block ({@code discovery/aws/aws.go}): {@code role}
 * (required: {@code ec2}, {@code ecs}, {@code elasticache}, {@code lightsail}, {@code msk},
 * {@code rds}) and the keys every role shares ({@code region}, {@code endpoint},
 * {@code access_key}, {@code secret_key}, {@code profile}, {@code role_arn}, {@code external_id},
 * {@code port}, {@code refresh_interval}, {@code http_client_config}), plus {@code filters}
 * (ec2, rds) and {@code clusters} (ecs, elasticache, msk, rds). As in Prometheus a {@code port}
 * or {@code refresh_interval} of 0 means the role's default (80, 60s).
 *
 * <p>The role's own block is the block without {@code role} (and without a key the role does not
 * read), parsed by the role's config; Prometheus silently ignores {@code filters} or
 * {@code clusters} given to a role that does not read them, refused here naming the key.
 *
 * @param role the role
 * @param block the role's block (no {@code role}; defaults applied where Prometheus's are 0)
 */
record AwsSdConfig(String role, PluginConfig block) {

    static final Set<String> ROLES = Set.of("ec2", "ecs", "elasticache", "lightsail", "msk", "rds");

    static final Set<String> OWN_FIELDS = Set.of("role", "region", "endpoint", "access_key", "secret_key", "profile", "role_arn",
            "external_id", "refresh_interval", "port", "filters", "clusters");

    static AwsSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        String role = config.string("role", "");
        if (!ROLES.contains(role)) {
            String message = "unknown AWS SD role \"" + role + "\"";
            throw config.has("role") ? config.error("role", message) : config.error(message);
        }
        boolean filters = role.equals("ec2") || role.equals("rds");
        boolean clusters = !role.equals("ec2") && !role.equals("lightsail");
        if (config.has("filters") && !filters) {
            throw config.error("filters", "filters is not used by AWS SD role \"" + role + "\" (only by ec2 and rds)");
        }
        if (config.has("clusters") && !clusters) {
            throw config.error("clusters", "clusters is not used by AWS SD role \"" + role + "\" (only by ecs, elasticache, msk and rds)");
        }
        Map<String, Object> values = new LinkedHashMap<>(config.values());
        values.remove("role");
        // Prometheus copies port and refresh_interval onto the role's defaults only when they are not 0.
        if (values.get("port") instanceof Number n && n.doubleValue() == 0) {
            values.remove("port");
        }
        if (values.get("refresh_interval") instanceof String s && isZero(s)) {
            values.remove("refresh_interval");
        }
        Map<String, String> locations = new LinkedHashMap<>(config.locations());
        locations.keySet().removeIf(k -> k.equals("role") || k.startsWith("role.") || k.startsWith("role["));
        PluginConfig block = new PluginConfig(config.key(), values, config.location(), locations);
        // Validate the role's own rules now, so check config reports them.
        switch (role) {
            case "ec2" -> Ec2SdConfig.parse(block);
            case "lightsail" -> LightsailSdConfig.parse(block);
            default -> RoleSdConfig.parse(block);
        }
        return new AwsSdConfig(role, block);
    }

    private static boolean isZero(String duration) {
        return List.of("0", "0s", "0ms", "0m", "0h", "0d", "0w", "0y").contains(duration.strip());
    }
}
