package io.promethium.discovery.kubernetes.internal;

import java.util.List;

/** The objects a {@code kubernetes_sd_configs} block discovers, by Prometheus's names. */
enum Role {
    POD("pod"), SERVICE("service"), ENDPOINTS("endpoints"), ENDPOINTSLICE("endpointslice"), NODE("node"), INGRESS("ingress");

    final String yaml;

    Role(String yaml) {
        this.yaml = yaml;
    }

    static Role of(String name) {
        for (Role role : values()) {
            if (role.yaml.equals(name)) {
                return role;
            }
        }
        return null;
    }

    /**
     * The roles whose selectors this role accepts, Prometheus's {@code allowedSelectors}: the pod
     * role also takes node selectors (for {@code attach_metadata.node}); endpoints and endpoint
     * slices take those of their pods and services, not of nodes, even when they attach node metadata.
     */
    List<Role> selectorRoles() {
        return switch (this) {
            case POD -> List.of(POD, NODE);
            case SERVICE -> List.of(SERVICE);
            case ENDPOINTS -> List.of(POD, SERVICE, ENDPOINTS);
            case ENDPOINTSLICE -> List.of(POD, SERVICE, ENDPOINTSLICE);
            case NODE -> List.of(NODE);
            case INGRESS -> List.of(INGRESS);
        };
    }

    /** Whether {@code attach_metadata.node} means something for this role. */
    boolean attachesNode() {
        return this == POD || this == ENDPOINTS || this == ENDPOINTSLICE;
    }

    @Override
    public String toString() {
        return yaml;
    }
}
