package io.promethium.discovery.kubernetes.internal;

import static io.promethium.discovery.kubernetes.internal.MetaLabels.ADDRESS;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.PREFIX;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.list;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.nonNull;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The service role: one target per service port, addressed by the service's cluster DNS name. */
final class ServiceTargets {

    private ServiceTargets() {
    }

    static String source(String namespace, String name) {
        return "svc/" + namespace + "/" + name;
    }

    /** What the endpoints roles attach of their service: name, labels, annotations. */
    static void addServiceLabels(Map<String, String> into, Service service) {
        MetaLabels.addObjectMeta(into, service.getMetadata(), "service");
    }

    static TargetGroup build(Service svc, Map<String, String> extraGroupLabels) {
        String ns = nonNull(svc.getMetadata().getNamespace());
        String name = nonNull(svc.getMetadata().getName());
        Map<String, String> group = new HashMap<>();
        addServiceLabels(group, svc);
        group.put(MetaLabels.NAMESPACE, ns);
        group.putAll(extraGroupLabels);
        var spec = svc.getSpec();
        String type = spec == null ? "" : nonNull(spec.getType());
        List<Labels> targets = new ArrayList<>();
        for (ServicePort port : spec == null ? List.<ServicePort>of() : list(spec.getPorts())) {
            long number = port.getPort() == null ? 0 : port.getPort();
            Map<String, String> t = new HashMap<>();
            t.put(ADDRESS, MetaLabels.joinHostPort(name + "." + ns + ".svc", number));
            t.put(PREFIX + "service_port_name", nonNull(port.getName()));
            t.put(PREFIX + "service_port_number", Long.toString(number));
            t.put(PREFIX + "service_port_protocol", nonNull(port.getProtocol()));
            t.put(PREFIX + "service_type", type);
            if (port.getAppProtocol() != null) {
                t.put(PREFIX + "service_port_app_protocol", port.getAppProtocol());
            }
            if ("ExternalName".equals(type)) {
                t.put(PREFIX + "service_external_name", nonNull(spec.getExternalName()));
            } else {
                t.put(PREFIX + "service_cluster_ip", nonNull(spec.getClusterIP()));
            }
            targets.add(Labels.fromMap(t));
        }
        return new TargetGroup(source(ns, name), targets, Labels.fromMap(group));
    }
}
