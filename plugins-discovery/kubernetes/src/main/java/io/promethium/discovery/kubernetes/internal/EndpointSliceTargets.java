package io.promethium.discovery.kubernetes.internal;

import static io.promethium.discovery.kubernetes.internal.MetaLabels.ADDRESS;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.PREFIX;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.PRESENT;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.list;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.nonNull;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpointslice role: one target per endpoint and port of an EndpointSlice, with its
 * conditions (ready, serving, terminating), topology, the pod behind it and its service.
 */
final class EndpointSliceTargets {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final String P = PREFIX + "endpointslice_";

    private EndpointSliceTargets() {
    }

    static String source(String namespace, String name) {
        return "endpointslice/" + namespace + "/" + name;
    }

    static TargetGroup build(EndpointSlice slice, Lookup lookup) {
        String ns = nonNull(slice.getMetadata().getNamespace());
        String name = nonNull(slice.getMetadata().getName());
        Map<String, String> group = new HashMap<>();
        MetaLabels.addObjectMeta(group, slice.getMetadata(), "endpointslice");
        group.put(MetaLabels.NAMESPACE, ns);
        group.put(P + "address_type", nonNull(slice.getAddressType()));
        Map<String, String> sliceLabels = slice.getMetadata().getLabels();
        if (sliceLabels != null && sliceLabels.get(SERVICE_NAME_LABEL) != null) {
            Service service = lookup.service(ns, sliceLabels.get(SERVICE_NAME_LABEL));
            if (service != null) {
                ServiceTargets.addServiceLabels(group, service);
            }
        }
        group.putAll(lookup.namespaceLabels(ns));
        List<Labels> targets = new ArrayList<>();
        SeenPods seen = new SeenPods();
        for (EndpointPort port : list(slice.getPorts())) {
            for (Endpoint endpoint : list(slice.getEndpoints())) {
                if (list(endpoint.getAddresses()).isEmpty()) {
                    continue;
                }
                targets.add(target(endpoint, port, ns, lookup, seen));
            }
        }
        seen.addRemainingPorts(targets);
        return new TargetGroup(source(ns, name), targets, Labels.fromMap(group));
    }

    private static Labels target(Endpoint endpoint, EndpointPort port, String ns, Lookup lookup, SeenPods seen) {
        Map<String, String> t = new HashMap<>();
        String address = endpoint.getAddresses().get(0);
        t.put(ADDRESS, port.getPort() == null ? address : MetaLabels.joinHostPort(address, port.getPort()));
        if (port.getName() != null) {
            t.put(P + "port_name", port.getName());
        }
        if (port.getProtocol() != null) {
            t.put(P + "port_protocol", port.getProtocol());
        }
        if (port.getPort() != null) {
            t.put(P + "port", Integer.toString(port.getPort()));
        }
        if (port.getAppProtocol() != null) {
            t.put(P + "port_app_protocol", port.getAppProtocol());
        }
        EndpointConditions conditions = endpoint.getConditions();
        if (conditions != null) {
            if (conditions.getReady() != null) {
                t.put(P + "endpoint_conditions_ready", conditions.getReady().toString());
            }
            if (conditions.getServing() != null) {
                t.put(P + "endpoint_conditions_serving", conditions.getServing().toString());
            }
            if (conditions.getTerminating() != null) {
                t.put(P + "endpoint_conditions_terminating", conditions.getTerminating().toString());
            }
        }
        if (endpoint.getHostname() != null) {
            t.put(P + "endpoint_hostname", endpoint.getHostname());
        }
        ObjectReference ref = endpoint.getTargetRef();
        if (ref != null) {
            t.put(P + "address_target_kind", nonNull(ref.getKind()));
            t.put(P + "address_target_name", nonNull(ref.getName()));
        }
        if (endpoint.getNodeName() != null) {
            t.put(P + "endpoint_node_name", endpoint.getNodeName());
        }
        if (endpoint.getZone() != null) {
            t.put(P + "endpoint_zone", endpoint.getZone());
        }
        if (endpoint.getDeprecatedTopology() != null) {
            for (Map.Entry<String, String> e : endpoint.getDeprecatedTopology().entrySet()) {
                String label = MetaLabels.sanitize(e.getKey());
                t.put(P + "endpoint_topology_" + label, nonNull(e.getValue()));
                t.put(P + "endpoint_topology_present_" + label, PRESENT);
            }
        }
        if (ref != null && "Node".equals(ref.getKind())) {
            t.putAll(lookup.nodeLabels(ref.getName()));
        } else if (endpoint.getNodeName() != null) {
            t.putAll(lookup.nodeLabels(endpoint.getNodeName()));
        }
        Pod pod = EndpointsTargets.resolvePod(ref, ns, lookup);
        if (pod != null) {
            seen.saw(pod, port.getPort());
            PodTargets.addPodLabels(t, pod);
            PodTargets.addMatchingContainer(t, pod, port.getPort());
        }
        return Labels.fromMap(t);
    }
}
