package io.promethium.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Map;

/** The {@code __meta_kubernetes_*} label names and the helpers every role shares. */
final class MetaLabels {

    static final String PREFIX = "__meta_kubernetes_";
    static final String NAMESPACE = PREFIX + "namespace";
    static final String ADDRESS = "__address__";
    static final String PRESENT = "true";

    private MetaLabels() {
    }

    /** Prometheus's SanitizeLabelName: every character outside {@code [a-zA-Z0-9_]} becomes {@code _}. */
    static String sanitize(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (!ok) {
                if (out == null) {
                    out = new StringBuilder(name);
                }
                out.setCharAt(i, '_');
            }
        }
        return out == null ? name : out.toString();
    }

    /** {@code <role>_name}, {@code <role>_label_*}, {@code <role>_labelpresent_*} and the same for annotations. */
    static void addObjectMeta(Map<String, String> into, ObjectMeta meta, String role) {
        into.put(PREFIX + role + "_name", nonNull(meta.getName()));
        addLabelsAndAnnotations(into, meta, role);
    }

    /** The labels and annotations of an object, without its name (a namespace's name is already there). */
    static void addLabelsAndAnnotations(Map<String, String> into, ObjectMeta meta, String role) {
        String base = PREFIX + role;
        if (meta.getLabels() != null) {
            for (Map.Entry<String, String> e : meta.getLabels().entrySet()) {
                String name = sanitize(e.getKey());
                into.put(base + "_label_" + name, nonNull(e.getValue()));
                into.put(base + "_labelpresent_" + name, PRESENT);
            }
        }
        if (meta.getAnnotations() != null) {
            for (Map.Entry<String, String> e : meta.getAnnotations().entrySet()) {
                String name = sanitize(e.getKey());
                into.put(base + "_annotation_" + name, nonNull(e.getValue()));
                into.put(base + "_annotationpresent_" + name, PRESENT);
            }
        }
    }

    /** The owner reference marked as controller, or {@code null}. */
    static OwnerReference controllerOf(ObjectMeta meta) {
        List<OwnerReference> refs = meta.getOwnerReferences();
        if (refs != null) {
            for (OwnerReference ref : refs) {
                if (Boolean.TRUE.equals(ref.getController())) {
                    return ref;
                }
            }
        }
        return null;
    }

    /** Go's net.JoinHostPort: an IPv6 address is bracketed. */
    static String joinHostPort(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    static String nonNull(String s) {
        return s == null ? "" : s;
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
