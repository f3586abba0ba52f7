package io.promethium.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;

/** The related objects a role's groups draw labels from, as the informers' stores hold them now. */
interface Lookup {

    /** A pod, or {@code null} when unknown (or not watched). */
    Pod pod(String namespace, String name);

    /** A service, or {@code null}. */
    Service service(String namespace, String name);

    /** The labels {@code attach_metadata.node} adds for a node name (empty when off or unknown). */
    Map<String, String> nodeLabels(String nodeName);

    /** The labels {@code attach_metadata.namespace} adds for a namespace (empty when off or unknown). */
    Map<String, String> namespaceLabels(String namespace);

    /** The node labels of Prometheus's attach_metadata.node, for a known node. */
    static Map<String, String> nodeMetadata(Node node) {
        Map<String, String> labels = new java.util.HashMap<>();
        MetaLabels.addObjectMeta(labels, node.getMetadata(), "node");
        return labels;
    }

    /** The namespace labels of attach_metadata.namespace, for a known namespace. */
    static Map<String, String> namespaceMetadata(Namespace namespace) {
        Map<String, String> labels = new java.util.HashMap<>();
        MetaLabels.addLabelsAndAnnotations(labels, namespace.getMetadata(), "namespace");
        return labels;
    }
}
