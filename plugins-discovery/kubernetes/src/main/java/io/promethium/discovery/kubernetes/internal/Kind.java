package io.promethium.discovery.kubernetes.internal;

/** The Kubernetes resources discovery watches; nodes and namespaces are cluster-wide. */
enum Kind {
    POD("pod", true), SERVICE("service", true), ENDPOINTS("endpoints", true), ENDPOINTSLICE("endpointslice", true),
    NODE("node", false), INGRESS("ingress", true), NAMESPACE("namespace", false);

    final String role;
    final boolean namespaced;

    Kind(String role, boolean namespaced) {
        this.role = role;
        this.namespaced = namespaced;
    }

    static Kind of(Role role) {
        return switch (role) {
            case POD -> POD;
            case SERVICE -> SERVICE;
            case ENDPOINTS -> ENDPOINTS;
            case ENDPOINTSLICE -> ENDPOINTSLICE;
            case NODE -> NODE;
            case INGRESS -> INGRESS;
        };
    }

    /** The role whose selectors filter this kind, or {@code null} (namespaces are never filtered). */
    Role selectorRole() {
        return this == NAMESPACE ? null : Role.of(role);
    }
}
