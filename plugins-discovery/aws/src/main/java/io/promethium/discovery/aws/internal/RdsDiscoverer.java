package io.promethium.discovery.aws.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;
import static io.promethium.discovery.aws.internal.AwsClient.child;
import static io.promethium.discovery.aws.internal.AwsClient.optional;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Follows one {@code aws_sd_configs} block of role {@code rds} as Prometheus's
 * {@code discovery/aws/rds.go} does, over RDS's Query API (signed with SigV4 for {@code rds}): the
 * configured clusters ({@code DescribeDBClusters} with {@code DBClusterIdentifier}; one that is
 * not found fails the refresh), else every cluster of the region ({@code MaxRecords=100},
 * {@code Marker}), then each cluster's instances ({@code DescribeDBInstances} filtered by
 * {@code db-cluster-id} and the configured {@code filters}, every page). One group whose source is
 * the region, a target per instance with the cluster's and the instance's {@code __meta_rds_*}
 * labels ({@link RdsFields}), on its endpoint address and {@code port} (without
 * {@code __address__} when the instance has no endpoint yet, as Prometheus). A 401 or 403 drops
 * the cached credentials. A failed refresh keeps the last targets.
 */
final class RdsDiscoverer implements RoleDiscoverer.Role {

    private static final String VERSION = "2014-10-31";
    private static final String CLUSTER = "__meta_rds_cluster_";
    private static final String INSTANCE = "__meta_rds_instance_";

    private final RoleSdConfig config;

    RdsDiscoverer(RoleSdConfig config) {
        this.config = Objects.requireNonNull(config, "config is null");
    }

    @Override
    public List<TargetGroup> refresh(AwsRoleSession session) throws IOException, InterruptedException {
        Map<String, Element> clusters = new LinkedHashMap<>();
        if (config.clusters().isEmpty()) {
            for (Element cluster : pages(session, "DescribeDBClusters", List.of(), "DBClusters", "DBCluster",
                    "error describing all DB clusters: failed to describe DB clusters: ")) {
                String arn = optional(cluster, "DBClusterArn");
                if (arn != null) {
                    clusters.put(arn, cluster);
                }
            }
        } else {
            for (String id : config.clusters()) {
                List<Element> found = pages(session, "DescribeDBClusters", List.of(Map.entry("DBClusterIdentifier", id)), "DBClusters",
                        "DBCluster", "error describing DB clusters: failed to describe DB cluster " + id + ": ");
                if (found.isEmpty()) {
                    throw new IOException("error describing DB clusters: no DB cluster found for ARN " + id);
                }
                clusters.put(id, found.get(found.size() - 1));
            }
        }
        List<Labels> targets = new ArrayList<>();
        for (Element cluster : clusters.values()) {
            String arn = optional(cluster, "DBClusterArn");
            List<Map.Entry<String, String>> filters = new ArrayList<>();
            filters.add(Map.entry("Filters.Filter.1.Name", "db-cluster-id"));
            filters.add(Map.entry("Filters.Filter.1.Values.Value.1", arn == null ? "" : arn));
            for (int i = 0; i < config.filters().size(); i++) {
                Ec2SdConfig.Filter filter = config.filters().get(i);
                filters.add(Map.entry("Filters.Filter." + (i + 2) + ".Name", filter.name()));
                for (int j = 0; j < filter.values().size(); j++) {
                    filters.add(Map.entry("Filters.Filter." + (i + 2) + ".Values.Value." + (j + 1), filter.values().get(j)));
                }
            }
            List<Element> instances = pages(session, "DescribeDBInstances", filters, "DBInstances", "DBInstance",
                    "error describing DB instances: failed to describe DB instances for cluster ARN " + arn + ": ");
            Map<String, String> clusterLabels = clusterLabels(cluster);
            Map<String, Boolean> writers = new HashMap<>();
            for (Element member : elements(child(cluster, "DBClusterMembers"), "DBClusterMember")) {
                String id = optional(member, "DBInstanceIdentifier");
                String writer = optional(member, "IsClusterWriter");
                if (id != null && writer != null) {
                    writers.put(id, Boolean.parseBoolean(writer));
                }
            }
            for (Element instance : instances) {
                targets.add(instance(clusterLabels, writers, instance));
            }
        }
        return List.of(new TargetGroup(session.region(), targets, Labels.EMPTY));
    }

    /** Every page of a {@code Describe*} call ({@code MaxRecords=100}, {@code Marker}), the {@code item} elements of its list. */
    private static List<Element> pages(AwsRoleSession session, String action, List<Map.Entry<String, String>> extra, String list, String item,
                                       String what) throws IOException, InterruptedException {
        List<Element> all = new ArrayList<>();
        String marker = null;
        do {
            List<Map.Entry<String, String>> params = new ArrayList<>(extra);
            if (marker != null) {
                params.add(Map.entry("Marker", marker));
            }
            params.add(Map.entry("MaxRecords", "100"));
            Element answer = session.query("rds", action, VERSION, params, what);
            Element result = child(answer, action + "Result");
            all.addAll(elements(child(result, list), item));
            marker = optional(result, "Marker");
            if (marker != null && marker.isEmpty()) {
                marker = null;
            }
        } while (marker != null);
        return all;
    }

    private static Map<String, String> clusterLabels(Element cluster) {
        Map<String, String> labels = new LinkedHashMap<>();
        scalars(cluster, RdsFields.CLUSTER, labels);
        for (Element tag : elements(child(cluster, "TagList"), "Tag")) {
            String key = optional(tag, "Key");
            String value = optional(tag, "Value");
            if (key != null && value != null) {
                labels.put(CLUSTER + "tag_" + sanitize(key), value);
            }
        }
        return labels;
    }

    private Labels instance(Map<String, String> clusterLabels, Map<String, Boolean> writers, Element instance) {
        Map<String, String> labels = new LinkedHashMap<>(clusterLabels);
        String id = optional(instance, "DBInstanceIdentifier");
        if (id != null && writers.containsKey(id)) {
            labels.put(INSTANCE + "is_cluster_writer", Boolean.toString(writers.get(id)));
        }
        scalars(instance, RdsFields.INSTANCE, labels);
        endpoint(child(instance, "Endpoint"), INSTANCE + "endpoint_", labels);
        endpoint(child(instance, "ListenerEndpoint"), INSTANCE + "listener_endpoint_", labels);
        String subnetGroup = optional(child(instance, "DBSubnetGroup"), "DBSubnetGroupName");
        if (subnetGroup != null) {
            labels.put(INSTANCE + "subnet_group", subnetGroup);
        }
        for (Element tag : elements(child(instance, "TagList"), "Tag")) {
            String key = optional(tag, "Key");
            String value = optional(tag, "Value");
            if (key != null && value != null) {
                labels.put(INSTANCE + "tag_" + sanitize(key), value);
            }
        }
        Element endpoint = child(instance, "Endpoint");
        String address = optional(endpoint, "Address");
        if (address != null && optional(endpoint, "Port") != null) {
            labels.put("__address__", joinHostPort(address, config.port()));
        }
        return Labels.fromMap(labels);
    }

    private static void endpoint(Element endpoint, String prefix, Map<String, String> labels) {
        String address = optional(endpoint, "Address");
        if (address != null) {
            labels.put(prefix + "address", address);
        }
        String zone = optional(endpoint, "HostedZoneId");
        if (zone != null) {
            labels.put(prefix + "hosted_zone_id", zone);
        }
        String port = optional(endpoint, "Port");
        if (port != null) {
            labels.put(prefix + "port", integer(port));
        }
    }

    /** The table's fields present in the element, written as Prometheus writes Go's values. */
    private static void scalars(Element element, String[][] fields, Map<String, String> labels) {
        for (String[] field : fields) {
            String value = optional(element, field[0]);
            if (value == null) {
                continue;
            }
            switch (field[2]) {
                case "B" -> value = Boolean.toString(Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)));
                case "I" -> value = integer(value);
                case "D" -> value = rfc3339(value);
                default -> {
                }
            }
            if (field[2].equals("T") && value.isEmpty() && isEnumLike(field[0])) {
                continue;
            }
            labels.put(field[1], value);
        }
    }

    /** Go's enum-typed fields are checked against "" rather than nil: an empty one sets no label. */
    private static boolean isEnumLike(String field) {
        return switch (field) {
            case "ActivityStreamMode", "ActivityStreamStatus", "ActivityStreamPolicyStatus", "AutomationMode", "ClusterScalabilityType",
                 "DatabaseInsightsMode", "GlobalWriteForwardingStatus", "LocalWriteForwardingStatus", "ReplicaMode",
                 "StorageEncryptionType", "UpgradeRolloutOrder" -> true;
            default -> false;
        };
    }

    /** An integer as Go writes it (a value that is none is kept as written). */
    private static String integer(String text) {
        try {
            return Long.toString(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** An ISO 8601 time as Go's {@code time.RFC3339} writes the SDK's UTC time: to the second, {@code Z}. */
    static String rfc3339(String text) {
        try {
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    /** The child elements of that local name (none when the list is absent). */
    private static List<Element> elements(Element list, String name) {
        List<Element> items = new ArrayList<>();
        if (list != null) {
            for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && name.equals(e.getLocalName())) {
                    items.add(e);
                }
            }
        }
        return items;
    }

}
