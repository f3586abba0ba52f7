package io.promethium.discovery.aws.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;
import static io.promethium.discovery.aws.internal.AwsClient.child;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Follows one {@code aws_sd_configs} block of role {@code elasticache} as Prometheus's
 * {@code discovery/aws/elasticache.go} does, over ElastiCache's Query API (signed with SigV4 for
 * {@code elasticache}): the serverless caches ({@code DescribeServerlessCaches}, 50 a page) and
 * the node-based clusters with their nodes ({@code DescribeCacheClusters},
 * {@code ShowCacheNodeInfo}, 100 a page) of the region, or those {@code clusters} names by ARN
 * ({@code ...:serverlesscache:<name>}, {@code ...:replicationgroup:<id>}; others skipped, a
 * malformed one with a warning), then each one's tags ({@code ListTagsForResource}). One group
 * whose source is the region: a target per serverless cache on its endpoint, a target per cache
 * node on the node's endpoint (the endpoints' own ports: {@code port} is not used, as in
 * Prometheus), with {@code __meta_elasticache_*}.
 *
 * <p>Prometheus describes everything twice a refresh (once for the ARNs whose tags it reads, once
 * for the targets) and the clusters both with and without
 * {@code ShowCacheClustersNotInReplicationGroups} (the second a subset of the first, so the same
 * targets twice, merged by its scrape manager); here each is read once, which gives the same
 * targets. A 401 or 403 drops the cached credentials; a failed refresh keeps the last targets.
 */
final class ElasticacheDiscoverer implements RoleDiscoverer.Role {

    private static final String VERSION = "2015-02-02";
    private static final String PREFIX = "__meta_elasticache_";
    private static final String SERVERLESS = PREFIX + "serverless_cache_";
    private static final String CLUSTER = PREFIX + "cache_cluster_";

    private final RoleSdConfig config;
    private final Logger log;

    ElasticacheDiscoverer(RoleSdConfig config, Logger log) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.log = Objects.requireNonNull(log, "log is null");
    }

    @Override
    public List<TargetGroup> refresh(AwsRoleSession session) throws IOException, InterruptedException {
        List<String> serverlessIds = new ArrayList<>();
        List<String> clusterIds = new ArrayList<>();
        for (String arn : config.clusters()) {
            if (arn.isEmpty()) {
                continue;
            }
            String[] parts = arn.split(":", -1);
            if (parts.length < 7) {
                log.warning("ElastiCache SD: skipping invalid ElastiCache ARN " + arn);
                continue;
            }
            switch (parts[5]) {
                case "serverlesscache" -> serverlessIds.add(parts[6]);
                case "replicationgroup" -> clusterIds.add(parts[6]);
                default -> {
                }
            }
        }
        boolean all = config.clusters().isEmpty();
        List<Element> caches = new ArrayList<>();
        if (all) {
            caches.addAll(pages(session, "DescribeServerlessCaches", List.of(Map.entry("MaxResults", "50")), "NextToken", "NextToken",
                    "ServerlessCaches", "failed to describe serverless caches: failed to describe serverless caches: "));
        } else {
            for (String id : serverlessIds) {
                caches.addAll(call(session, "DescribeServerlessCaches",
                        List.of(Map.entry("MaxResults", "50"), Map.entry("ServerlessCacheName", id)), "ServerlessCaches",
                        "failed to describe serverless caches: failed to describe serverless cache " + id + ": ", null));
            }
        }
        List<Element> clusters = new ArrayList<>();
        List<Map.Entry<String, String>> base = List.of(Map.entry("MaxRecords", "100"), Map.entry("ShowCacheNodeInfo", "true"),
                Map.entry("ShowCacheClustersNotInReplicationGroups", "false"));
        if (all) {
            clusters.addAll(pages(session, "DescribeCacheClusters", base, "Marker", "Marker", "CacheClusters",
                    "failed to describe cache clusters: failed to describe cache clusters: "));
        } else {
            for (String id : clusterIds) {
                List<Map.Entry<String, String>> params = new ArrayList<>(base);
                params.add(Map.entry("CacheClusterId", id));
                clusters.addAll(call(session, "DescribeCacheClusters", params, "CacheClusters",
                        "failed to describe cache clusters: failed to describe cache cluster " + id + ": ", null));
            }
        }
        Set<String> arns = new LinkedHashSet<>();
        for (Element e : caches) {
            addIfPresent(arns, text(e, "ARN"));
        }
        for (Element e : clusters) {
            addIfPresent(arns, text(e, "ARN"));
        }
        Map<String, List<Element>> tags = new LinkedHashMap<>();
        for (String arn : arns) {
            tags.put(arn, call(session, "ListTagsForResource", List.of(Map.entry("ResourceName", arn)), "TagList",
                    "failed to list tags for resources: failed to list tags for resource " + arn + ": ", null));
        }
        List<Labels> targets = new ArrayList<>();
        for (Element cache : caches) {
            targets.add(serverless(cache, tags.getOrDefault(text(cache, "ARN"), List.of())));
        }
        for (Element cluster : clusters) {
            nodes(cluster, tags.getOrDefault(text(cluster, "ARN"), List.of()), targets);
        }
        return List.of(new TargetGroup(session.region(), targets, Labels.EMPTY));
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }

    private static List<Element> pages(AwsRoleSession session, String action, List<Map.Entry<String, String>> params, String tokenParam,
                                       String tokenElement, String list, String what) throws IOException, InterruptedException {
        List<Element> all = new ArrayList<>();
        String[] token = {null};
        do {
            List<Map.Entry<String, String>> withToken = new ArrayList<>(params);
            if (token[0] != null) {
                withToken.add(Map.entry(tokenParam, token[0]));
            }
            all.addAll(call(session, action, withToken, list, what, token));
        } while (token[0] != null);
        return all;
    }

    /** One call; the items of {@code list} in its result; the next page's token into {@code token[0]} when asked. */
    private static List<Element> call(AwsRoleSession session, String action, List<Map.Entry<String, String>> extra, String list,
                                      String what, String[] token) throws IOException, InterruptedException {
        Element answer = session.query("elasticache", action, VERSION, extra, what);
        Element result = child(answer, action + "Result");
        if (token != null) {
            String next = text(result, action.equals("DescribeCacheClusters") ? "Marker" : "NextToken");
            token[0] = next == null || next.isEmpty() ? null : next;
        }
        return items(child(result, list));
    }

    private static Labels serverless(Element cache, List<Element> tags) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "deployment_option", "serverless");
        put(labels, SERVERLESS + "arn", text(cache, "ARN"));
        put(labels, SERVERLESS + "name", text(cache, "ServerlessCacheName"));
        put(labels, SERVERLESS + "status", text(cache, "Status"));
        put(labels, SERVERLESS + "engine", text(cache, "Engine"));
        put(labels, SERVERLESS + "full_engine_version", text(cache, "FullEngineVersion"));
        put(labels, SERVERLESS + "major_engine_version", text(cache, "MajorEngineVersion"));
        put(labels, SERVERLESS + "description", text(cache, "Description"));
        put(labels, SERVERLESS + "create_time", time(text(cache, "CreateTime")));
        put(labels, SERVERLESS + "kms_key_id", text(cache, "KmsKeyId"));
        put(labels, SERVERLESS + "user_group_id", text(cache, "UserGroupId"));
        put(labels, SERVERLESS + "daily_snapshot_time", text(cache, "DailySnapshotTime"));
        put(labels, SERVERLESS + "snapshot_retention_limit", integer(text(cache, "SnapshotRetentionLimit")));
        Element endpoint = child(cache, "Endpoint");
        put(labels, SERVERLESS + "endpoint_address", text(endpoint, "Address"));
        put(labels, SERVERLESS + "endpoint_port", integer(text(endpoint, "Port")));
        Element reader = child(cache, "ReaderEndpoint");
        put(labels, SERVERLESS + "endpoint_reader_address", text(reader, "Address"));
        put(labels, SERVERLESS + "endpoint_reader_port", integer(text(reader, "Port")));
        List<Element> groups = items(child(cache, "SecurityGroupIds"));
        for (int i = 0; i < groups.size(); i++) {
            labels.put(SERVERLESS + "security_group_id_" + i, groups.get(i).getTextContent().strip());
        }
        List<Element> subnets = items(child(cache, "SubnetIds"));
        for (int i = 0; i < subnets.size(); i++) {
            labels.put(SERVERLESS + "subnet_id_" + i, subnets.get(i).getTextContent().strip());
        }
        // Named as Prometheus 3.14's code names them: "data_storage" + "maximum", with no '_' between
        // (its configuration documentation writes data_storage_maximum; relabelling written for
        // Prometheus must match what it sends).
        Element limits = child(cache, "CacheUsageLimits");
        Element storage = child(limits, "DataStorage");
        if (storage != null) {
            put(labels, SERVERLESS + "cache_usage_limit_data_storagemaximum", integer(text(storage, "Maximum")));
            put(labels, SERVERLESS + "cache_usage_limit_data_storageminimum", integer(text(storage, "Minimum")));
            String unit = text(storage, "Unit");
            labels.put(SERVERLESS + "cache_usage_limit_data_storageunit", unit == null ? "" : unit);
        }
        Element ecpu = child(limits, "ECPUPerSecond");
        if (ecpu != null) {
            put(labels, SERVERLESS + "cache_usage_limit_ecpu_per_secondmaximum", integer(text(ecpu, "Maximum")));
            put(labels, SERVERLESS + "cache_usage_limit_ecpu_per_secondminimum", integer(text(ecpu, "Minimum")));
        }
        tags(labels, SERVERLESS + "tag_", tags);
        String address = text(endpoint, "Address");
        String port = text(endpoint, "Port");
        if (address != null && port != null) {
            labels.put("__address__", joinHostPort(address, Long.parseLong(integer(port))));
        }
        return Labels.fromMap(labels);
    }

    private static void nodes(Element cluster, List<Element> tags, List<Labels> targets) {
        Map<String, String> common = new LinkedHashMap<>();
        common.put(PREFIX + "deployment_option", "node");
        put(common, CLUSTER + "arn", text(cluster, "ARN"));
        put(common, CLUSTER + "cache_cluster_id", text(cluster, "CacheClusterId"));
        put(common, CLUSTER + "cache_cluster_status", text(cluster, "CacheClusterStatus"));
        put(common, CLUSTER + "at_rest_encryption_enabled", bool(text(cluster, "AtRestEncryptionEnabled")));
        put(common, CLUSTER + "auth_token_enabled", bool(text(cluster, "AuthTokenEnabled")));
        put(common, CLUSTER + "auth_token_last_modified", time(text(cluster, "AuthTokenLastModifiedDate")));
        put(common, CLUSTER + "auto_minor_version_upgrade", bool(text(cluster, "AutoMinorVersionUpgrade")));
        put(common, CLUSTER + "cache_cluster_create_time", time(text(cluster, "CacheClusterCreateTime")));
        put(common, CLUSTER + "cache_node_type", text(cluster, "CacheNodeType"));
        put(common, CLUSTER + "cache_parameter_group", text(child(cluster, "CacheParameterGroup"), "CacheParameterGroupName"));
        put(common, CLUSTER + "cache_subnet_group_name", text(cluster, "CacheSubnetGroupName"));
        put(common, CLUSTER + "client_download_landing_page", text(cluster, "ClientDownloadLandingPage"));
        Element configuration = child(cluster, "ConfigurationEndpoint");
        put(common, CLUSTER + "configuration_endpoint_address", text(configuration, "Address"));
        put(common, CLUSTER + "configuration_endpoint_port", integer(text(configuration, "Port")));
        put(common, CLUSTER + "engine", text(cluster, "Engine"));
        put(common, CLUSTER + "engine_version", text(cluster, "EngineVersion"));
        putNonEmpty(common, CLUSTER + "ip_discovery", text(cluster, "IpDiscovery"));
        putNonEmpty(common, CLUSTER + "network_type", text(cluster, "NetworkType"));
        Element notification = child(cluster, "NotificationConfiguration");
        put(common, CLUSTER + "notification_topic_arn", text(notification, "TopicArn"));
        put(common, CLUSTER + "notification_topic_status", text(notification, "TopicStatus"));
        put(common, CLUSTER + "num_cache_nodes", integer(text(cluster, "NumCacheNodes")));
        put(common, CLUSTER + "preferred_availability_zone", text(cluster, "PreferredAvailabilityZone"));
        put(common, CLUSTER + "preferred_maintenance_window", text(cluster, "PreferredMaintenanceWindow"));
        put(common, CLUSTER + "preferred_outpost_arn", text(cluster, "PreferredOutpostArn"));
        put(common, CLUSTER + "replication_group_id", text(cluster, "ReplicationGroupId"));
        put(common, CLUSTER + "replication_group_log_delivery_enabled", bool(text(cluster, "ReplicationGroupLogDeliveryEnabled")));
        put(common, CLUSTER + "snapshot_retention_limit", integer(text(cluster, "SnapshotRetentionLimit")));
        put(common, CLUSTER + "snapshot_window", text(cluster, "SnapshotWindow"));
        put(common, CLUSTER + "transit_encryption_enabled", bool(text(cluster, "TransitEncryptionEnabled")));
        putNonEmpty(common, CLUSTER + "transit_encryption_mode", text(cluster, "TransitEncryptionMode"));
        List<Element> deliveries = items(child(cluster, "LogDeliveryConfigurations"));
        String log = CLUSTER + "log_delivery_configuration_";
        for (int i = 0; i < deliveries.size(); i++) {
            Element d = deliveries.get(i);
            putNonEmpty(common, log + "destination_type_" + i, text(d, "DestinationType"));
            putNonEmpty(common, log + "log_format_" + i, text(d, "LogFormat"));
            putNonEmpty(common, log + "log_type_" + i, text(d, "LogType"));
            putNonEmpty(common, log + "status_" + i, text(d, "Status"));
            put(common, log + "message_" + i, text(d, "Message"));
            Element details = child(d, "DestinationDetails");
            put(common, log + "log_group_" + i, text(child(details, "CloudWatchLogsDetails"), "LogGroup"));
            put(common, log + "delivery_stream_" + i, text(child(details, "KinesisFirehoseDetails"), "DeliveryStream"));
        }
        Element pending = child(cluster, "PendingModifiedValues");
        if (pending != null) {
            String p = CLUSTER + "pending_modified_values_";
            putNonEmpty(common, p + "auth_token_status", text(pending, "AuthTokenStatus"));
            put(common, p + "cache_node_type", text(pending, "CacheNodeType"));
            put(common, p + "engine_version", text(pending, "EngineVersion"));
            put(common, p + "num_cache_nodes", integer(text(pending, "NumCacheNodes")));
            put(common, p + "transit_encryption_enabled", bool(text(pending, "TransitEncryptionEnabled")));
            putNonEmpty(common, p + "transit_encryption_mode", text(pending, "TransitEncryptionMode"));
            List<String> remove = new ArrayList<>();
            items(child(pending, "CacheNodeIdsToRemove")).forEach(e -> remove.add(e.getTextContent().strip()));
            if (!remove.isEmpty()) {
                common.put(p + "cache_node_ids_to_remove", String.join(",", remove));
            }
        }
        List<Element> groups = items(child(cluster, "SecurityGroups"));
        for (int i = 0; i < groups.size(); i++) {
            put(common, CLUSTER + "security_group_membership_id_" + i, text(groups.get(i), "SecurityGroupId"));
            put(common, CLUSTER + "security_group_membership_status_" + i, text(groups.get(i), "Status"));
        }
        tags(common, CLUSTER + "tag_", tags);
        for (Element node : items(child(cluster, "CacheNodes"))) {
            Map<String, String> labels = new LinkedHashMap<>(common);
            String n = CLUSTER + "node_";
            put(labels, n + "id", text(node, "CacheNodeId"));
            put(labels, n + "status", text(node, "CacheNodeStatus"));
            put(labels, n + "create_time", time(text(node, "CacheNodeCreateTime")));
            put(labels, n + "availability_zone", text(node, "CustomerAvailabilityZone"));
            put(labels, n + "customer_outpost_arn", text(node, "CustomerOutpostArn"));
            put(labels, n + "source_cache_node_id", text(node, "SourceCacheNodeId"));
            put(labels, n + "parameter_group_status", text(node, "ParameterGroupStatus"));
            Element endpoint = child(node, "Endpoint");
            String address = text(endpoint, "Address");
            String port = integer(text(endpoint, "Port"));
            put(labels, n + "endpoint_address", address);
            put(labels, n + "endpoint_port", port);
            if (address != null && port != null) {
                labels.put("__address__", joinHostPort(address, Long.parseLong(port)));
            }
            targets.add(Labels.fromMap(labels));
        }
    }

    private static void tags(Map<String, String> labels, String prefix, List<Element> tags) {
        for (Element tag : tags) {
            String key = text(tag, "Key");
            String value = text(tag, "Value");
            if (key != null && value != null) {
                labels.put(prefix + sanitize(key), value);
            }
        }
    }

    private static void put(Map<String, String> labels, String name, String value) {
        if (value != null) {
            labels.put(name, value);
        }
    }

    /** Go's enum-typed fields: set when not empty. */
    private static void putNonEmpty(Map<String, String> labels, String name, String value) {
        if (value != null && !value.isEmpty()) {
            labels.put(name, value);
        }
    }

    /** A child's text, or null when absent (or the parent is). */
    private static String text(Element parent, String name) {
        return AwsClient.optional(parent, name);
    }

    private static String bool(String text) {
        return text == null ? null : Boolean.toString(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
    }

    private static String integer(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.toString(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static String time(String text) {
        return text == null ? null : RdsDiscoverer.rfc3339(text);
    }

    /** Every child element of a list element (AWS names them by the member's name). */
    private static List<Element> items(Element list) {
        List<Element> items = new ArrayList<>();
        if (list != null) {
            for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    items.add(e);
                }
            }
        }
        return items;
    }

}
