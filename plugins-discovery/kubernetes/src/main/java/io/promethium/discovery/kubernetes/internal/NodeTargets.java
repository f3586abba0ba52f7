package io.promethium.discovery.kubernetes.internal;

import static io.promethium.discovery.kubernetes.internal.MetaLabels.ADDRESS;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.PREFIX;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.list;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.nonNull;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The node role: one target per node, at its preferred address and the kubelet's port. */
final class NodeTargets {

    /** Address types in Prometheus's order of preference. */
    private static final List<String> PREFERENCE = List.of("InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP",
            "Hostname");

    private NodeTargets() {
    }

    static String source(String name) {
        return "node/" + name;
    }

    /** The group, or {@code null} in place of targets when the node has no usable address (the caller logs it). */
    static TargetGroup build(Node node) {
        String name = nonNull(node.getMetadata().getName());
        Map<String, String> group = new HashMap<>();
        group.put(PREFIX + "node_provider_id", node.getSpec() == null ? "" : nonNull(node.getSpec().getProviderID()));
        MetaLabels.addObjectMeta(group, node.getMetadata(), "node");
        Map<String, String> firstByType = new LinkedHashMap<>();
        if (node.getStatus() != null) {
            for (NodeAddress a : list(node.getStatus().getAddresses())) {
                firstByType.putIfAbsent(nonNull(a.getType()), nonNull(a.getAddress()));
            }
        }
        String address = null;
        for (String type : PREFERENCE) {
            if (firstByType.containsKey(type)) {
                address = firstByType.get(type);
                break;
            }
        }
        if (address == null) {
            return new TargetGroup(source(name), List.of(), Labels.fromMap(group));
        }
        long port = 0;
        var status = node.getStatus();
        if (status.getDaemonEndpoints() != null && status.getDaemonEndpoints().getKubeletEndpoint() != null
                && status.getDaemonEndpoints().getKubeletEndpoint().getPort() != null) {
            port = status.getDaemonEndpoints().getKubeletEndpoint().getPort();
        }
        Map<String, String> t = new HashMap<>();
        t.put(ADDRESS, MetaLabels.joinHostPort(address, port));
        t.put("instance", name);
        for (Map.Entry<String, String> e : firstByType.entrySet()) {
            t.put(MetaLabels.sanitize(PREFIX + "node_address_" + e.getKey()), e.getValue());
        }
        return new TargetGroup(source(name), List.of(Labels.fromMap(t)), Labels.fromMap(group));
    }
}
