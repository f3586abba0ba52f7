package io.promethium.discovery.aws.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.sigv4.SigV4Signer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Follows one {@code aws_sd_configs} block of role {@code msk} as Prometheus's
 * {@code discovery/aws/msk.go} does, over MSK's REST-JSON API (service {@code kafka}, signed with
 * SigV4): the configured clusters through {@code DescribeClusterV2} (one not provisioned is
 * skipped with a warning), else every provisioned cluster of the region through
 * {@code ListClustersV2} ({@code clusterTypeFilter=PROVISIONED}, 100 a page, {@code nextToken}),
 * then each cluster's nodes through {@code ListNodes} (100 a page). One group whose source is the
 * region; a target per endpoint of each broker and KRaft controller node, on {@code port}, with
 * {@code __meta_msk_*} as Prometheus. Requests go one at a time (Prometheus runs up to ten at
 * once). An {@code UnrecognizedClientException} or {@code AccessDeniedException} drops the cached
 * credentials. A failed refresh keeps the last targets.
 */
final class MskDiscoverer implements RoleDiscoverer.Role {

    static final String PREFIX = "__meta_msk_";

    private final RoleSdConfig config;
    private final Logger log;

    MskDiscoverer(RoleSdConfig config, Logger log) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.log = Objects.requireNonNull(log, "log is null");
    }

    @Override
    public List<TargetGroup> refresh(AwsRoleSession session) throws IOException, InterruptedException {
        List<JsonNode> clusters = new ArrayList<>();
        if (config.clusters().isEmpty()) {
            String nextToken = null;
            do {
                List<Map.Entry<String, String>> query = new ArrayList<>(List.of(Map.entry("clusterTypeFilter", "PROVISIONED"),
                        Map.entry("maxResults", "100")));
                if (nextToken != null) {
                    query.add(Map.entry("nextToken", nextToken));
                }
                JsonNode page = call(session, "/api/v2/clusters", query, "could not list clusters: ");
                page.path("clusterInfoList").forEach(clusters::add);
                nextToken = string(page, "nextToken");
            } while (nextToken != null);
        } else {
            for (String arn : config.clusters()) {
                JsonNode cluster = call(session, "/api/v2/clusters/" + SigV4Signer.encode(arn), List.of(),
                        "could not describe cluster " + arn + ": ").path("clusterInfo");
                if (!"PROVISIONED".equals(cluster.path("clusterType").asText(""))) {
                    log.warning("MSK SD: skipping non-provisioned MSK cluster, only provisioned clusters are supported: cluster=" + arn
                            + " type=" + cluster.path("clusterType").asText(""));
                    continue;
                }
                clusters.add(cluster);
            }
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode cluster : clusters) {
            String arn = cluster.path("clusterArn").asText("");
            String nextToken = null;
            List<JsonNode> nodes = new ArrayList<>();
            do {
                List<Map.Entry<String, String>> query = new ArrayList<>(List.of(Map.entry("maxResults", "100")));
                if (nextToken != null) {
                    query.add(Map.entry("nextToken", nextToken));
                }
                JsonNode page = call(session, "/v1/clusters/" + SigV4Signer.encode(arn) + "/nodes", query,
                        "could not list nodes for cluster " + arn + ": ");
                page.path("nodeInfoList").forEach(nodes::add);
                nextToken = string(page, "nextToken");
            } while (nextToken != null);
            for (JsonNode node : nodes) {
                targets(cluster, node, targets);
            }
        }
        return List.of(new TargetGroup(session.region(), targets, Labels.EMPTY));
    }

    private static JsonNode call(AwsRoleSession session, String rawPath, List<Map.Entry<String, String>> query, String what)
            throws IOException, InterruptedException {
        try {
            return session.restJson("kafka", rawPath, query);
        } catch (AwsClient.AwsException e) {
            if (e.code.equals("UnrecognizedClientException") || e.code.equals("AccessDeniedException")
                    || e.code.equals("InvalidSignatureException") || e.code.equals("ExpiredTokenException")) {
                // As Prometheus builds its client anew after a failed refresh: find credentials again next time.
                session.forget();
            }
            throw new IOException(what + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(what + e.getMessage(), e);
        }
    }

    private void targets(JsonNode cluster, JsonNode node, List<Labels> targets) {
        JsonNode software = cluster.path("provisioned").path("currentBrokerSoftwareInfo");
        JsonNode prometheus = cluster.path("provisioned").path("openMonitoring").path("prometheus");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "cluster_name", cluster.path("clusterName").asText(""));
        labels.put(PREFIX + "cluster_arn", cluster.path("clusterArn").asText(""));
        labels.put(PREFIX + "cluster_state", cluster.path("state").asText(""));
        labels.put(PREFIX + "cluster_type", cluster.path("clusterType").asText(""));
        labels.put(PREFIX + "cluster_version", cluster.path("currentVersion").asText(""));
        labels.put(PREFIX + "node_arn", node.path("nodeARN").asText(""));
        labels.put(PREFIX + "node_added_time", node.path("addedToClusterTime").asText(""));
        labels.put(PREFIX + "node_instance_type", node.path("instanceType").asText(""));
        labels.put(PREFIX + "cluster_kafka_version", software.path("kafkaVersion").asText(""));
        if (present(software.get("configurationArn"))) {
            labels.put(PREFIX + "cluster_configuration_arn", software.get("configurationArn").asText());
        }
        if (present(software.get("configurationRevision"))) {
            labels.put(PREFIX + "cluster_configuration_revision", Long.toString(software.get("configurationRevision").asLong()));
        }
        if (present(prometheus.get("jmxExporter"))) {
            labels.put(PREFIX + "cluster_jmx_exporter_enabled", Boolean.toString(prometheus.get("jmxExporter").path("enabledInBroker")
                    .asBoolean(false)));
        }
        JsonNode tags = cluster.get("tags");
        if (tags != null && tags.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> tag = it.next();
                labels.put(PREFIX + "cluster_tag_" + sanitize(tag.getKey()), tag.getValue().asText(""));
            }
        }
        JsonNode broker = node.get("brokerNodeInfo");
        JsonNode controller = node.get("controllerNodeInfo");
        String indexLabel;
        JsonNode endpoints;
        if (present(broker)) {
            labels.put(PREFIX + "node_type", "BROKER");
            labels.put(PREFIX + "node_attached_eni", broker.path("attachedENIId").asText(""));
            // Go's %.0f of the float64 broker id: rounds half to even.
            labels.put(PREFIX + "broker_id", new BigDecimal(broker.path("brokerId").asDouble(0)).setScale(0, RoundingMode.HALF_EVEN)
                    .toPlainString());
            labels.put(PREFIX + "broker_client_subnet", broker.path("clientSubnet").asText(""));
            labels.put(PREFIX + "broker_client_vpc_ip", broker.path("clientVpcIpAddress").asText(""));
            if (present(prometheus.get("nodeExporter"))) {
                labels.put(PREFIX + "broker_node_exporter_enabled", Boolean.toString(prometheus.get("nodeExporter")
                        .path("enabledInBroker").asBoolean(false)));
            }
            indexLabel = PREFIX + "broker_endpoint_index";
            endpoints = broker.path("endpoints");
        } else if (present(controller)) {
            labels.put(PREFIX + "node_type", "CONTROLLER");
            indexLabel = PREFIX + "controller_endpoint_index";
            endpoints = controller.path("endpoints");
        } else {
            return;
        }
        int index = 0;
        for (JsonNode endpoint : endpoints) {
            Map<String, String> target = new LinkedHashMap<>(labels);
            target.put(indexLabel, Integer.toString(index++));
            target.put("__address__", joinHostPort(endpoint.asText(""), config.port()));
            targets.add(Labels.fromMap(target));
        }
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    private static String string(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return present(value) ? value.asText() : null;
    }

}
