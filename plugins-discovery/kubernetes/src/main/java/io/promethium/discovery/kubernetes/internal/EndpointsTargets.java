package io.promethium.discovery.kubernetes.internal;

import static io.promethium.discovery.kubernetes.internal.MetaLabels.ADDRESS;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.PREFIX;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.list;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.nonNull;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints role: one target per address and port of an Endpoints object (ready and not
 * ready), with the labels of the pod behind it and of its service, plus the pods' other ports.
 */
final class EndpointsTargets {

    private EndpointsTargets() {
    }

    static String source(String namespace, String name) {
        return "endpoints/" + namespace + "/" + name;
    }

    static TargetGroup build(Endpoints endpoints, Lookup lookup) {
        String ns = nonNull(endpoints.getMetadata().getNamespace());
        String name = nonNull(endpoints.getMetadata().getName());
        Map<String, String> group = new HashMap<>();
        MetaLabels.addObjectMeta(group, endpoints.getMetadata(), "endpoints");
        Service service = lookup.service(ns, name);
        if (service != null) {
            ServiceTargets.addServiceLabels(group, service);
        }
        group.put(MetaLabels.NAMESPACE, ns);
        group.putAll(lookup.namespaceLabels(ns));
        List<Labels> targets = new ArrayList<>();
        SeenPods seen = new SeenPods();
        for (EndpointSubset subset : list(endpoints.getSubsets())) {
            for (EndpointPort port : list(subset.getPorts())) {
                for (EndpointAddress address : list(subset.getAddresses())) {
                    targets.add(target(address, port, true, ns, lookup, seen));
                }
                for (EndpointAddress address : list(subset.getNotReadyAddresses())) {
                    targets.add(target(address, port, false, ns, lookup, seen));
                }
            }
        }
        seen.addRemainingPorts(targets);
        return new TargetGroup(source(ns, name), targets, Labels.fromMap(group));
    }

    private static Labels target(EndpointAddress address, EndpointPort port, boolean ready, String ns, Lookup lookup, SeenPods seen) {
        Map<String, String> t = new HashMap<>();
        t.put(ADDRESS, MetaLabels.joinHostPort(nonNull(address.getIp()), port.getPort() == null ? 0 : port.getPort()));
        t.put(PREFIX + "endpoint_port_name", nonNull(port.getName()));
        t.put(PREFIX + "endpoint_port_protocol", nonNull(port.getProtocol()));
        t.put(PREFIX + "endpoint_ready", Boolean.toString(ready));
        if (port.getAppProtocol() != null) {
            t.put(PREFIX + "endpoint_port_app_protocol", port.getAppProtocol());
        }
        ObjectReference ref = address.getTargetRef();
        if (ref != null) {
            t.put(PREFIX + "endpoint_address_target_kind", nonNull(ref.getKind()));
            t.put(PREFIX + "endpoint_address_target_name", nonNull(ref.getName()));
        }
        if (address.getNodeName() != null) {
            t.put(PREFIX + "endpoint_node_name", address.getNodeName());
        }
        if (address.getHostname() != null && !address.getHostname().isEmpty()) {
            t.put(PREFIX + "endpoint_hostname", address.getHostname());
        }
        if (ref != null && "Node".equals(ref.getKind())) {
            t.putAll(lookup.nodeLabels(ref.getName()));
        } else if (address.getNodeName() != null) {
            t.putAll(lookup.nodeLabels(address.getNodeName()));
        }
        Pod pod = resolvePod(ref, ns, lookup);
        if (pod != null) {
            seen.saw(pod, port.getPort());
            PodTargets.addPodLabels(t, pod);
            PodTargets.addMatchingContainer(t, pod, port.getPort());
        }
        return Labels.fromMap(t);
    }

    static Pod resolvePod(ObjectReference ref, String namespace, Lookup lookup) {
        if (ref == null || !"Pod".equals(ref.getKind())) {
            return null;
        }
        return lookup.pod(ref.getNamespace() == null ? namespace : ref.getNamespace(), ref.getName());
    }
}
