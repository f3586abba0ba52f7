package io.promethium.discovery.kubernetes.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One validated {@code kubernetes_sd_configs} block, with Prometheus's rules: a role, where the
 * API is (an {@code api_server} with the block's {@code http_client_config}, a
 * {@code kubeconfig_file}, or the pod's own service account when neither is given), the
 * namespaces, label and field selectors per role, and the metadata to attach.
 *
 * @param apiServer the API server's URL, or {@code null}
 * @param kubeconfigFile the kubeconfig file (resolved by the caller against the config folder), or {@code null}
 * @param namespaces the namespaces to watch; empty means all
 * @param ownNamespace whether the pod's own namespace (in-cluster) is added to {@link #namespaces}
 * @param selectors label and field selectors by the role of the objects they filter
 * @param connection what identifies the API connection (server, kubeconfig, HTTP settings): blocks
 *            with equal connections share one client and its informers
 */
record KubernetesSdConfig(Role role, URI apiServer, String kubeconfigFile, List<String> namespaces, boolean ownNamespace,
                          Map<Role, Selector> selectors, boolean attachNode, boolean attachNamespace,
                          Map<String, Object> connection) {

    /** The label and field selector of one role's objects. */
    record Selector(String label, String field) {
        static final Selector NONE = new Selector("", "");
    }

    static final Set<String> OWN_FIELDS = Set.of("role", "api_server", "kubeconfig_file", "namespaces", "selectors", "attach_metadata");

    KubernetesSdConfig {
        namespaces = List.copyOf(namespaces);
        selectors = Map.copyOf(selectors);
    }

    Selector selector(Role of) {
        return selectors.getOrDefault(of, Selector.NONE);
    }

    static KubernetesSdConfig parse(PluginConfig config) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        String roleName = config.string("role", "");
        if (roleName.isEmpty()) {
            throw config.error("role", "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
        }
        Role role = Role.of(roleName);
        if (role == null) {
            throw config.error("role", "unknown Kubernetes SD role \"" + roleName + "\"");
        }
        URI apiServer = null;
        if (config.has("api_server")) {
            String raw = config.string("api_server", "");
            try {
                apiServer = new URI(raw);
            } catch (URISyntaxException e) {
                throw config.error("api_server", "api_server: invalid URL \"" + raw + "\": " + e.getReason());
            }
            if (apiServer.getScheme() == null || !(apiServer.getScheme().equals("http") || apiServer.getScheme().equals("https"))
                    || apiServer.getHost() == null) {
                throw config.error("api_server", "api_server: \"" + raw + "\" is not an http(s) URL with a host");
            }
        }
        String kubeconfig = config.has("kubeconfig_file") ? config.string("kubeconfig_file", "") : null;
        if (kubeconfig != null && kubeconfig.isEmpty()) {
            kubeconfig = null;
        }
        boolean customHttp = false;
        for (String field : HttpClientFactory.FIELDS) {
            customHttp |= config.has(field) && !isDefault(field, config.values().get(field));
        }
        if (apiServer != null && kubeconfig != null) {
            throw config.error("kubeconfig_file", "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
        }
        if (kubeconfig != null && customHttp) {
            throw config.error("kubeconfig_file", "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
        }
        if (apiServer == null && customHttp) {
            throw config.error("to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
        }

        List<String> names = List.of();
        boolean own = false;
        PluginConfig ns = config.block("namespaces");
        if (ns != null) {
            ns.requireOnly(Set.of("names", "own_namespace"));
            names = ns.strings("names");
            own = ns.bool("own_namespace", false);
        }
        if (apiServer != null && own) {
            throw config.error("namespaces", "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
        }
        if (kubeconfig != null && own) {
            throw config.error("namespaces", "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
        }

        Map<Role, Selector> selectors = new EnumMap<>(Role.class);
        for (PluginConfig selector : config.blocks("selectors")) {
            selector.requireOnly(Set.of("role", "label", "field"));
            String name = selector.string("role", "");
            Role of = Role.of(name);
            if (of == null && !name.isEmpty()) {
                // Prometheus reads a selector's role with the same type as the block's.
                throw selector.error("role", "unknown Kubernetes SD role \"" + name + "\"");
            }
            if (selectors.containsKey(of)) {
                throw selector.error("role", "duplicated selector role: " + name);
            }
            if (of == null || !role.selectorRoles().contains(of)) {
                throw selector.error("role", role + " role supports only "
                        + String.join(", ", role.selectorRoles().stream().map(Role::toString).toList()) + " selectors");
            }
            String label = selector.string("label", "");
            String labelError = Selectors.labelSelectorError(label);
            if (labelError != null) {
                throw selector.error("label", "label selector \"" + label + "\": " + labelError);
            }
            String field = selector.string("field", "");
            try {
                Selectors.parseFieldSelector(field);
            } catch (IllegalArgumentException e) {
                throw selector.error("field", "field selector: " + e.getMessage());
            }
            selectors.put(of, new Selector(label, field));
        }

        boolean attachNode = false;
        boolean attachNamespace = false;
        PluginConfig attach = config.block("attach_metadata");
        if (attach != null) {
            attach.requireOnly(Set.of("node", "namespace"));
            attachNode = attach.bool("node", false);
            attachNamespace = attach.bool("namespace", false);
            // Prometheus accepts both for every role and ignores them where they mean nothing; refused here instead.
            if (attachNode && !role.attachesNode()) {
                throw attach.error("node", "attach_metadata.node is only valid for roles pod, endpoints and endpointslice");
            }
            if (attachNamespace && role == Role.NODE) {
                throw attach.error("namespace", "attach_metadata.namespace is not valid for role node (nodes have no namespace)");
            }
        }
        if (role == Role.POD && selectors.containsKey(Role.NODE) && !attachNode) {
            // Prometheus accepts it and reads no node then; a selector that selects nothing is refused instead.
            throw config.error("selectors", "pod role supports node selectors only with attach_metadata.node: true");
        }

        Map<String, Object> connection = new TreeMap<>();
        for (Map.Entry<String, Object> entry : config.values().entrySet()) {
            if (HttpClientFactory.FIELDS.contains(entry.getKey()) || entry.getKey().equals("api_server")
                    || entry.getKey().equals("kubeconfig_file")) {
                connection.put(entry.getKey(), entry.getValue());
            }
        }
        return new KubernetesSdConfig(role, apiServer, kubeconfig, names, own, selectors, attachNode, attachNamespace,
                new LinkedHashMap<>(connection));
    }

    /** Whether an http_client_config field holds Prometheus's default (then it is not "custom"). */
    private static boolean isDefault(String field, Object value) {
        return switch (field) {
            case "follow_redirects", "enable_http2" -> Boolean.TRUE.equals(value) || "true".equals(String.valueOf(value));
            case "proxy_from_environment" -> Boolean.FALSE.equals(value) || "false".equals(String.valueOf(value));
            default -> false;
        };
    }
}
