package io.promethium.discovery.aws.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;
import static io.promethium.discovery.aws.internal.AwsClient.child;
import static io.promethium.discovery.aws.internal.AwsClient.items;
import static io.promethium.discovery.aws.internal.AwsClient.optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import org.w3c.dom.Element;

/**
 * Follows one {@code aws_sd_configs} block of role {@code ecs} as Prometheus's
 * {@code discovery/aws/ecs.go} does, over ECS's JSON API (service {@code ecs}) and EC2's Query API,
 * both signed with SigV4: the configured {@code clusters}, else every cluster of the region
 * ({@code ListClusters}); {@code DescribeClusters} (100 at a time, with tags),
 * {@code ListServices} and {@code ListTasks} of each (every page), then per cluster
 * {@code DescribeServices} (10 at a time) and {@code DescribeTasks} (100 at a time, with tags),
 * {@code DescribeContainerInstances} for tasks on EC2 container instances, EC2's
 * {@code DescribeNetworkInterfaces} (public IPs of awsvpc tasks) and {@code DescribeInstances}
 * (the container instances' hosts). One group whose source is the region, a target per task with
 * an address (its ENI's private IPv4 in awsvpc mode, else its host's private IP) on {@code port},
 * with {@code __meta_ecs_*}.
 *
 * <p>As in Prometheus, a failure inside one cluster is logged and leaves that cluster's tasks out
 * while the others are kept; the EC2 calls go to the region's EC2 endpoint (the configured
 * {@code endpoint} is ECS's), or to {@code AWS_ENDPOINT_URL_EC2} / {@code AWS_ENDPOINT_URL}, as
 * AWS's SDKs read them. A configured cluster may be named by ARN or by name (Prometheus, which
 * looks clusters up by the configured string, fails on a name). Requests go one at a time.
 */
final class EcsDiscoverer implements RoleDiscoverer.Role {

    private static final String PREFIX = "__meta_ecs_";
    private static final String TARGET = "AmazonEC2ContainerServiceV20141113.";
    private static final String EC2_VERSION = "2016-11-15";

    private final RoleSdConfig config;
    private final UnaryOperator<String> env;
    private final Logger log;

    EcsDiscoverer(RoleSdConfig config, UnaryOperator<String> env, Logger log) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.env = Objects.requireNonNull(env, "env is null");
        this.log = Objects.requireNonNull(log, "log is null");
    }

    @Override
    public List<TargetGroup> refresh(AwsRoleSession session) throws IOException, InterruptedException {
        URI ec2Endpoint = ec2Endpoint(session.region());
        List<String> clusters = new ArrayList<>(config.clusters());
        if (clusters.isEmpty()) {
            String token = null;
            do {
                ObjectNode body = AwsClient.JSON.createObjectNode().put("maxResults", 100);
                if (token != null) {
                    body.put("nextToken", token);
                }
                JsonNode page = ecs(session, "ListClusters", body, "could not list clusters: ");
                page.path("clusterArns").forEach(a -> clusters.add(a.asText()));
                token = string(page, "nextToken");
            } while (token != null);
        }
        List<Labels> targets = new ArrayList<>();
        if (clusters.isEmpty()) {
            return List.of(new TargetGroup(session.region(), targets, Labels.EMPTY));
        }
        Map<String, JsonNode> described = new HashMap<>();
        for (int i = 0; i < clusters.size(); i += 100) {
            ObjectNode body = AwsClient.JSON.createObjectNode();
            clusters.subList(i, Math.min(clusters.size(), i + 100)).forEach(body.putArray("clusters")::add);
            body.putArray("include").add("TAGS");
            for (JsonNode cluster : ecs(session, "DescribeClusters", body, "could not describe clusters: ").path("clusters")) {
                String arn = string(cluster, "clusterArn");
                if (arn != null) {
                    described.put(arn, cluster);
                    String name = string(cluster, "clusterName");
                    if (name != null) {
                        described.putIfAbsent(name, cluster);
                    }
                }
            }
        }
        Map<String, List<String>> services = new LinkedHashMap<>();
        Map<String, List<String>> tasks = new LinkedHashMap<>();
        for (String cluster : clusters) {
            services.put(cluster, list(session, "ListServices", cluster, "serviceArns", "could not list services for cluster \"" + cluster + "\": "));
        }
        for (String cluster : clusters) {
            tasks.put(cluster, list(session, "ListTasks", cluster, "taskArns", "could not list tasks for cluster \"" + cluster + "\": "));
        }
        for (String id : clusters) {
            if (tasks.get(id).isEmpty()) {
                continue;
            }
            JsonNode cluster = described.getOrDefault(id, AwsClient.JSON.createObjectNode().put("clusterArn", id));
            try {
                cluster(session, ec2Endpoint, cluster, services.get(id), tasks.get(id), targets);
            } catch (IOException e) {
                // As Prometheus: the cluster's tasks are left out, the other clusters kept.
                log.warning("ECS SD: failed to discover the tasks of cluster " + id + ": " + e.getMessage());
            }
        }
        return List.of(new TargetGroup(session.region(), targets, Labels.EMPTY));
    }

    private void cluster(AwsRoleSession session, URI ec2Endpoint, JsonNode cluster, List<String> serviceArns, List<String> taskArns,
                         List<Labels> targets) throws IOException, InterruptedException {
        String arn = cluster.path("clusterArn").asText("");
        Map<String, JsonNode> services = new HashMap<>();
        for (int i = 0; i < serviceArns.size(); i += 10) {
            ObjectNode body = AwsClient.JSON.createObjectNode().put("cluster", arn);
            serviceArns.subList(i, Math.min(serviceArns.size(), i + 10)).forEach(body.putArray("services")::add);
            body.putArray("include").add("TAGS");
            for (JsonNode service : ecs(session, "DescribeServices", body, "could not describe services for cluster \"" + arn + "\": ")
                    .path("services")) {
                if (string(service, "serviceArn") != null) {
                    services.put(service.path("serviceName").asText(""), service);
                }
            }
        }
        List<JsonNode> tasks = new ArrayList<>();
        for (int i = 0; i < taskArns.size(); i += 100) {
            ObjectNode body = AwsClient.JSON.createObjectNode().put("cluster", arn);
            taskArns.subList(i, Math.min(taskArns.size(), i + 100)).forEach(body.putArray("tasks")::add);
            body.putArray("include").add("TAGS");
            ecs(session, "DescribeTasks", body, "could not describe tasks in cluster \"" + arn + "\": ").path("tasks").forEach(tasks::add);
        }
        List<String> instanceArns = new ArrayList<>();
        List<String> eniIds = new ArrayList<>();
        for (JsonNode task : tasks) {
            String instance = string(task, "containerInstanceArn");
            if (instance != null) {
                instanceArns.add(instance);
            }
            JsonNode eni = eni(task);
            if (eni != null) {
                for (JsonNode detail : eni.path("details")) {
                    if ("networkInterfaceId".equals(string(detail, "name")) && string(detail, "value") != null) {
                        eniIds.add(detail.get("value").asText());
                        break;
                    }
                }
            }
        }
        Map<String, String> hosts = new HashMap<>();
        for (int i = 0; i < instanceArns.size(); i += 100) {
            ObjectNode body = AwsClient.JSON.createObjectNode().put("cluster", arn);
            instanceArns.subList(i, Math.min(instanceArns.size(), i + 100)).forEach(body.putArray("containerInstances")::add);
            for (JsonNode ci : ecs(session, "DescribeContainerInstances", body, "could not describe container instances: ").path("containerInstances")) {
                if (string(ci, "containerInstanceArn") != null && string(ci, "ec2InstanceId") != null) {
                    hosts.put(ci.get("containerInstanceArn").asText(), ci.get("ec2InstanceId").asText());
                }
            }
        }
        Map<String, String> eniPublicIps = new HashMap<>();
        if (!eniIds.isEmpty()) {
            for (Element page : ec2(session, ec2Endpoint, "DescribeNetworkInterfaces", "NetworkInterfaceId", eniIds, "could not describe network interfaces: ")) {
                for (Element eni : items(child(page, "networkInterfaceSet"))) {
                    String id = optional(eni, "networkInterfaceId");
                    String ip = optional(child(eni, "association"), "publicIp");
                    if (id != null && ip != null) {
                        eniPublicIps.put(id, ip);
                    }
                }
            }
        }
        Map<String, Host> instances = new HashMap<>();
        if (!hosts.isEmpty()) {
            for (Element page : ec2(session, ec2Endpoint, "DescribeInstances", "InstanceId", List.copyOf(new LinkedHashSet<>(hosts.values())),
                    "could not describe EC2 instances: ")) {
                for (Element reservation : items(child(page, "reservationSet"))) {
                    for (Element instance : items(child(reservation, "instancesSet"))) {
                        String id = optional(instance, "instanceId");
                        String privateIp = optional(instance, "privateIpAddress");
                        if (id == null || privateIp == null) {
                            continue;
                        }
                        Map<String, String> tags = new LinkedHashMap<>();
                        for (Element tag : items(child(instance, "tagSet"))) {
                            String key = optional(tag, "key");
                            String value = optional(tag, "value");
                            if (key != null && value != null) {
                                tags.put(key, value);
                            }
                        }
                        instances.put(id, new Host(privateIp, orEmpty(optional(instance, "ipAddress")), orEmpty(optional(instance, "subnetId")),
                                orEmpty(optional(instance, "instanceType")), tags));
                    }
                }
            }
        }
        for (JsonNode task : tasks) {
            Labels labels = task(session.region(), cluster, services, task, hosts, instances, eniPublicIps);
            if (labels != null) {
                targets.add(labels);
            }
        }
    }

    /** What Prometheus keeps of a container instance's EC2 host. */
    private record Host(String privateIp, String publicIp, String subnetId, String instanceType, Map<String, String> tags) {
    }

    private Labels task(String region, JsonNode cluster, Map<String, JsonNode> services, JsonNode task, Map<String, String> hosts,
                        Map<String, Host> instances, Map<String, String> eniPublicIps) {
        String ipAddress = "";
        String subnetId = "";
        String publicIp = "";
        String networkMode = "";
        String ec2Id = "";
        String ec2Type = "";
        String ec2PrivateIp = "";
        String ec2PublicIp = "";
        String containerInstance = string(task, "containerInstanceArn");
        JsonNode eni = eni(task);
        if (eni != null) {
            networkMode = "awsvpc";
            String eniId = "";
            for (JsonNode detail : eni.path("details")) {
                String name = string(detail, "name");
                String value = string(detail, "value");
                if (name == null || value == null) {
                    continue;
                }
                switch (name) {
                    case "privateIPv4Address" -> ipAddress = value;
                    case "subnetId" -> subnetId = value;
                    case "networkInterfaceId" -> eniId = value;
                    default -> {
                    }
                }
            }
            if (!eniId.isEmpty() && eniPublicIps.containsKey(eniId)) {
                publicIp = eniPublicIps.get(eniId);
            }
            if (containerInstance != null && hosts.containsKey(containerInstance)) {
                ec2Id = hosts.get(containerInstance);
                Host host = instances.get(ec2Id);
                if (host != null) {
                    ec2Type = host.instanceType();
                    ec2PrivateIp = host.privateIp();
                    ec2PublicIp = host.publicIp();
                }
            }
        } else if (containerInstance != null) {
            networkMode = "bridge";
            if (hosts.containsKey(containerInstance)) {
                ec2Id = hosts.get(containerInstance);
                Host host = instances.get(ec2Id);
                if (host != null) {
                    ipAddress = host.privateIp();
                    publicIp = host.publicIp();
                    subnetId = host.subnetId();
                    ec2Type = host.instanceType();
                    ec2PrivateIp = host.privateIp();
                    ec2PublicIp = host.publicIp();
                }
            }
        }
        if (ipAddress.isEmpty()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "ip_address", ipAddress);
        labels.put(PREFIX + "region", region);
        labels.put(PREFIX + "launch_type", task.path("launchType").asText(""));
        labels.put(PREFIX + "health_status", task.path("healthStatus").asText(""));
        labels.put(PREFIX + "network_mode", networkMode);
        put(labels, "cluster_arn", string(cluster, "clusterArn"));
        put(labels, "cluster", string(cluster, "clusterName"));
        put(labels, "task_group", string(task, "group"));
        put(labels, "task_arn", string(task, "taskArn"));
        put(labels, "task_definition", string(task, "taskDefinitionArn"));
        put(labels, "availability_zone", string(task, "availabilityZone"));
        put(labels, "desired_status", string(task, "desiredStatus"));
        put(labels, "last_status", string(task, "lastStatus"));
        put(labels, "subnet_id", subnetId.isEmpty() ? null : subnetId);
        put(labels, "container_instance_arn", containerInstance);
        put(labels, "ec2_instance_id", ec2Id.isEmpty() ? null : ec2Id);
        put(labels, "ec2_instance_type", ec2Type.isEmpty() ? null : ec2Type);
        put(labels, "ec2_instance_private_ip", ec2PrivateIp.isEmpty() ? null : ec2PrivateIp);
        put(labels, "ec2_instance_public_ip", ec2PublicIp.isEmpty() ? null : ec2PublicIp);
        put(labels, "public_ip", publicIp.isEmpty() ? null : publicIp);
        put(labels, "platform_family", string(task, "platformFamily"));
        put(labels, "platform_version", string(task, "platformVersion"));
        labels.put("__address__", joinHostPort(ipAddress, config.port()));
        tags(labels, "tag_cluster_", cluster.path("tags"));
        String group = task.path("group").asText("");
        if (group.startsWith("service:")) {
            JsonNode service = services.getOrDefault(group.substring("service:".length()), AwsClient.JSON.createObjectNode());
            put(labels, "service", string(service, "serviceName"));
            put(labels, "service_arn", string(service, "serviceArn"));
            put(labels, "service_status", string(service, "status"));
            tags(labels, "tag_service_", service.path("tags"));
        }
        tags(labels, "tag_task_", task.path("tags"));
        Host host = ec2Id.isEmpty() ? null : instances.get(ec2Id);
        if (host != null) {
            host.tags().forEach((k, v) -> labels.put(PREFIX + "tag_ec2_" + sanitize(k), v));
        }
        return Labels.fromMap(labels);
    }

    /** The task's first {@code ElasticNetworkInterface} attachment, or null. */
    private static JsonNode eni(JsonNode task) {
        for (JsonNode attachment : task.path("attachments")) {
            if ("ElasticNetworkInterface".equals(string(attachment, "type"))) {
                return attachment;
            }
        }
        return null;
    }

    private static void tags(Map<String, String> labels, String prefix, JsonNode tags) {
        for (JsonNode tag : tags) {
            String key = string(tag, "key");
            String value = string(tag, "value");
            if (key != null && value != null) {
                labels.put(PREFIX + prefix + sanitize(key), value);
            }
        }
    }

    private static void put(Map<String, String> labels, String name, String value) {
        if (value != null) {
            labels.put(PREFIX + name, value);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String string(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** EC2's endpoint: {@code AWS_ENDPOINT_URL_EC2}, else {@code AWS_ENDPOINT_URL}, else the region's, as AWS's SDKs find it. */
    private URI ec2Endpoint(String region) {
        String ec2 = env.apply("AWS_ENDPOINT_URL_EC2");
        if (ec2 == null || ec2.isEmpty()) {
            ec2 = env.apply("AWS_ENDPOINT_URL");
        }
        return URI.create(ec2 == null || ec2.isEmpty() ? "https://ec2." + region + ".amazonaws.com/" : ec2);
    }

    /** Every page of a {@code List*} call of one cluster (100 a page). */
    private static List<String> list(AwsRoleSession session, String operation, String cluster, String field, String what)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>();
        String token = null;
        do {
            ObjectNode body = AwsClient.JSON.createObjectNode().put("cluster", cluster).put("maxResults", 100);
            if (token != null) {
                body.put("nextToken", token);
            }
            JsonNode page = ecs(session, operation, body, what);
            page.path(field).forEach(a -> all.add(a.asText()));
            token = string(page, "nextToken");
        } while (token != null);
        return all;
    }

    private static JsonNode ecs(AwsRoleSession session, String operation, ObjectNode body, String what) throws IOException, InterruptedException {
        try {
            return session.json("ecs", TARGET + operation, AwsClient.JSON.writeValueAsBytes(body));
        } catch (AwsClient.AwsException e) {
            if (e.status == 400 && (e.code.equals("UnrecognizedClientException") || e.code.equals("InvalidSignatureException"))
                    || e.status == 401 || e.status == 403) {
                session.forget();
            }
            throw new IOException(what + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(what + e.getMessage(), e);
        }
    }

    /** Every page of an EC2 {@code Describe*} call for these ids ({@code <name>.N}). */
    private static List<Element> ec2(AwsRoleSession session, URI endpoint, String action, String name, List<String> ids, String what)
            throws IOException, InterruptedException {
        List<Element> pages = new ArrayList<>();
        String token = null;
        do {
            List<Map.Entry<String, String>> params = new ArrayList<>();
            params.add(Map.entry("Action", action));
            params.add(Map.entry("Version", EC2_VERSION));
            for (int i = 0; i < ids.size(); i++) {
                params.add(Map.entry(name + "." + (i + 1), ids.get(i)));
            }
            if (token != null) {
                params.add(Map.entry("NextToken", token));
            }
            Element page;
            try {
                page = session.client().query(endpoint, session.region(), "ec2", params, session.credentials());
            } catch (IOException e) {
                throw new IOException(what + e.getMessage(), e);
            }
            pages.add(page);
            token = optional(page, "nextToken");
            if (token != null && token.isEmpty()) {
                token = null;
            }
        } while (token != null);
        return pages;
    }

}
