package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The block's rules, as Prometheus checks them: each mistake named with its location. */
class KubernetesSdConfigTest {

    private static PluginConfig block(Object... namesAndValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new PluginConfig("kubernetes_sd_configs", values, "prometheus.yml:5:9");
    }

    private static void refused(PluginConfig block, String message) {
        assertThatThrownBy(() -> KubernetesSdConfig.parse(block)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prometheus.yml:5:9").hasMessageContaining(message);
    }

    @Test
    void aMinimalBlockNeedsOnlyARole() throws ConfigException {
        KubernetesSdConfig config = KubernetesSdConfig.parse(block("role", "endpoints"));
        assertThat(config.role()).isEqualTo(Role.ENDPOINTS);
        assertThat(config.apiServer()).isNull();
        assertThat(config.namespaces()).isEmpty();
    }

    @Test
    void theRoleIsRequiredAndMustBeKnown() {
        refused(block(), "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
        refused(block("role", "deployment"), "unknown Kubernetes SD role \"deployment\"");
        refused(block("role", "pod", "rolle", "x"), "field rolle not found in kubernetes_sd_configs");
    }

    @Test
    void apiServerKubeconfigAndHttpSettingsExcludeEachOther() {
        refused(block("role", "pod", "api_server", "https://k8s:6443", "kubeconfig_file", "kc"),
                "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
        refused(block("role", "pod", "kubeconfig_file", "kc", "bearer_token", "t"),
                "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
        refused(block("role", "pod", "basic_auth", Map.of("username", "u")),
                "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
        refused(block("role", "pod", "api_server", "https://k8s:6443", "namespaces", Map.of("own_namespace", true)),
                "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
        refused(block("role", "pod", "kubeconfig_file", "kc", "namespaces", Map.of("own_namespace", true)),
                "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
        refused(block("role", "pod", "api_server", "k8s:6443"), "is not an http(s) URL with a host");
    }

    @Test
    void defaultHttpSettingsAreNotCustom() throws ConfigException {
        assertThat(KubernetesSdConfig.parse(block("role", "pod", "follow_redirects", true, "enable_http2", true)).role()).isEqualTo(Role.POD);
    }

    @Test
    void selectorsAreCheckedPerRoleAsPrometheusDoes() throws ConfigException {
        KubernetesSdConfig endpoints = KubernetesSdConfig.parse(block("role", "endpoints", "selectors", List.of(
                Map.of("role", "pod", "label", "app in (web, api),!canary", "field", "spec.nodeName=n1,status.phase!=Failed"),
                Map.of("role", "service", "label", "tier=front"),
                Map.of("role", "endpoints", "field", "metadata.name==web"))));
        assertThat(endpoints.selector(Role.POD).label()).isEqualTo("app in (web, api),!canary");
        assertThat(endpoints.selector(Role.INGRESS)).isEqualTo(KubernetesSdConfig.Selector.NONE);

        refused(block("role", "service", "selectors", List.of(Map.of("role", "pod", "label", "a=b"))),
                "service role supports only service selectors");
        refused(block("role", "ingress", "selectors", List.of(Map.of("role", "ingress"), Map.of("role", "ingress"))),
                "duplicated selector role: ingress");
        refused(block("role", "pod", "selectors", List.of(Map.of("role", "deployment"))), "unknown Kubernetes SD role \"deployment\"");
        refused(block("role", "pod", "selectors", List.of(Map.of("label", "a=b"))), "pod role supports only pod, node selectors");
        refused(block("role", "pod", "selectors", List.of(Map.of("role", "pod", "label", "app=we b"))), "label selector");
        refused(block("role", "pod", "selectors", List.of(Map.of("role", "pod", "label", "-app=web"))), "invalid label key");
        refused(block("role", "pod", "selectors", List.of(Map.of("role", "pod", "field", "spec.nodeName"))), "field selector");
    }

    @Test
    void nodeSelectorsAreForThePodRoleWithAttachedNodesOnly() throws ConfigException {
        // Prometheus's allowedSelectors: endpoints and endpointslice read pods and services, not nodes.
        refused(block("role", "endpoints", "attach_metadata", Map.of("node", true), "selectors", List.of(Map.of("role", "node", "label", "a=b"))),
                "endpoints role supports only pod, service, endpoints selectors");
        refused(block("role", "endpointslice", "attach_metadata", Map.of("node", true), "selectors", List.of(Map.of("role", "node"))),
                "endpointslice role supports only pod, service, endpointslice selectors");
        refused(block("role", "node", "selectors", List.of(Map.of("role", "pod"))), "node role supports only node selectors");
        refused(block("role", "ingress", "selectors", List.of(Map.of("role", "service"))), "ingress role supports only ingress selectors");
        // Prometheus accepts a pod role's node selector without attach_metadata.node and then reads no node: refused here.
        refused(block("role", "pod", "selectors", List.of(Map.of("role", "node", "label", "a=b"))),
                "pod role supports node selectors only with attach_metadata.node: true");
        KubernetesSdConfig pods = KubernetesSdConfig.parse(block("role", "pod", "attach_metadata", Map.of("node", true),
                "selectors", List.of(Map.of("role", "node", "label", "zone=a"))));
        assertThat(pods.selector(Role.NODE).label()).isEqualTo("zone=a");
    }

    @Test
    void labelSelectorSyntax() {
        assertThat(Selectors.labelSelectorError("")).isNull();
        assertThat(Selectors.labelSelectorError("app")).isNull();
        assertThat(Selectors.labelSelectorError("app.kubernetes.io/name=shop, tier!=db")).isNull();
        assertThat(Selectors.labelSelectorError("env notin (dev,test)")).isNull();
        assertThat(Selectors.labelSelectorError("replicas > 2")).isNull();
        assertThat(Selectors.labelSelectorError("replicas > two")).contains("integer");
        assertThat(Selectors.labelSelectorError("env in ()")).contains("can't be empty");
        assertThat(Selectors.labelSelectorError("Example.COM/app=x")).contains("prefix");
    }

    @Test
    void fieldSelectorsParseIntoTerms() {
        assertThat(Selectors.parseFieldSelector("spec.nodeName=n1,status.phase!=Failed,metadata.name==a\\,b")).containsExactly(
                new Selectors.FieldTerm("spec.nodeName", true, "n1"), new Selectors.FieldTerm("status.phase", false, "Failed"),
                new Selectors.FieldTerm("metadata.name", true, "a,b"));
    }

    @Test
    void attachMetadataIsCheckedPerRole() throws ConfigException {
        assertThat(KubernetesSdConfig.parse(block("role", "endpointslice", "attach_metadata", Map.of("node", true, "namespace", true)))
                .attachNode()).isTrue();
        refused(block("role", "service", "attach_metadata", Map.of("node", true)),
                "attach_metadata.node is only valid for roles pod, endpoints and endpointslice");
        refused(block("role", "node", "attach_metadata", Map.of("namespace", true)), "attach_metadata.namespace is not valid for role node");
        for (String role : List.of("pod", "service", "endpoints", "endpointslice", "ingress")) {
            assertThat(KubernetesSdConfig.parse(block("role", role, "attach_metadata", Map.of("namespace", true))).attachNamespace()).isTrue();
        }
        for (String role : List.of("service", "ingress", "node")) {
            refused(block("role", role, "attach_metadata", Map.of("node", true)), "attach_metadata.node is only valid for roles");
        }
        refused(block("role", "pod", "attach_metadata", Map.of("nodes", true)), "field nodes not found");
    }

    @Test
    void blocksReachingTheSameApiTheSameWayShareAConnectionKey() throws ConfigException {
        KubernetesSdConfig pods = KubernetesSdConfig.parse(block("role", "pod", "api_server", "https://k8s:6443", "bearer_token", "t"));
        KubernetesSdConfig nodes = KubernetesSdConfig.parse(block("role", "node", "api_server", "https://k8s:6443", "bearer_token", "t"));
        KubernetesSdConfig other = KubernetesSdConfig.parse(block("role", "node", "api_server", "https://k8s:6443", "bearer_token", "u"));
        assertThat(pods.connection()).isEqualTo(nodes.connection()).isNotEqualTo(other.connection());
    }
}
