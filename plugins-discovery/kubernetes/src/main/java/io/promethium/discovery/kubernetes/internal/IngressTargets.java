package io.promethium.discovery.kubernetes.internal;

import static io.promethium.discovery.kubernetes.internal.MetaLabels.ADDRESS;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.PREFIX;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.list;
import static io.promethium.discovery.kubernetes.internal.MetaLabels.nonNull;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The ingress role: one target per rule and path, addressed by the rule's host; https when a TLS host covers it. */
final class IngressTargets {

    private IngressTargets() {
    }

    static String source(String namespace, String name) {
        return "ingress/" + namespace + "/" + name;
    }

    static TargetGroup build(Ingress ingress, Map<String, String> extraGroupLabels) {
        String ns = nonNull(ingress.getMetadata().getNamespace());
        Map<String, String> group = new HashMap<>();
        MetaLabels.addObjectMeta(group, ingress.getMetadata(), "ingress");
        group.put(MetaLabels.NAMESPACE, ns);
        var spec = ingress.getSpec();
        if (spec != null && spec.getIngressClassName() != null) {
            group.put(PREFIX + "ingress_class_name", spec.getIngressClassName());
        }
        group.putAll(extraGroupLabels);
        List<String> tlsHosts = new ArrayList<>();
        if (spec != null) {
            for (IngressTLS tls : list(spec.getTls())) {
                tlsHosts.addAll(list(tls.getHosts()));
            }
        }
        List<Labels> targets = new ArrayList<>();
        for (IngressRule rule : spec == null ? List.<IngressRule>of() : list(spec.getRules())) {
            String host = nonNull(rule.getHost());
            String scheme = "http";
            for (String pattern : tlsHosts) {
                if (matchesHostnamePattern(pattern, host)) {
                    scheme = "https";
                    break;
                }
            }
            List<String> paths = new ArrayList<>();
            if (rule.getHttp() == null) {
                paths.add("/");
            } else {
                for (HTTPIngressPath p : list(rule.getHttp().getPaths())) {
                    paths.add(p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath());
                }
            }
            for (String path : paths) {
                targets.add(Labels.fromMap(Map.of(ADDRESS, host, PREFIX + "ingress_scheme", scheme, PREFIX + "ingress_path", path)));
            }
        }
        return new TargetGroup(source(ns, nonNull(ingress.getMetadata().getName())), targets, Labels.fromMap(group));
    }

    /** An exact match, or a leading {@code *} label standing for exactly one label of the host. */
    static boolean matchesHostnamePattern(String pattern, String host) {
        if (pattern.equals(host)) {
            return true;
        }
        String[] p = pattern.split("\\.", -1);
        String[] h = host.split("\\.", -1);
        if (p.length == 0 || !p[0].equals("*") || p.length != h.length) {
            return false;
        }
        for (int i = 1; i < p.length; i++) {
            if (!p[i].equals(h[i])) {
                return false;
            }
        }
        return true;
    }
}
