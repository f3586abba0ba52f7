package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attach_metadata.namespace} on every role that has a namespace, with Prometheus's label
 * names ({@code __meta_kubernetes_namespace_label_*}, {@code _labelpresent_*},
 * {@code _annotation_*}, {@code _annotationpresent_*}) on the group; a change to the namespace
 * re-sends the groups of its objects. (The pod role: {@code PodRoleTest}.)
 */
class NamespaceMetadataTest {

    @TempDir
    Path dir;
    private MockApi api;

    @BeforeEach
    void startApi() {
        api = new MockApi(dir);
        api.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .withLabels(Map.of("team", "payments", "kubernetes.io/metadata.name", "shop"))
                .withAnnotations(Map.of("owner", "ana")).endMetadata().build()).create();
        api.client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web")
                .endMetadata().withNewSpec().withClusterIP("10.96.0.10").addNewPort().withName("http").withPort(80).endPort()
                .endSpec().build()).create();
        api.client.endpoints().inNamespace("shop").resource(new EndpointsBuilder().withNewMetadata().withNamespace("shop").withName("web")
                .endMetadata().addNewSubset().addNewAddress().withIp("10.1.2.3").endAddress()
                .addNewPort().withName("http").withPort(8080).endPort().endSubset().build()).create();
        api.client.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder().withNewMetadata()
                .withNamespace("shop").withName("web-x1").withLabels(Map.of("kubernetes.io/service-name", "web")).endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses("10.1.2.3").endEndpoint()
                .addNewPort().withName("http").withPort(8080).endPort().build()).create();
        api.client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder().withNewMetadata().withNamespace("shop")
                .withName("front").endMetadata().withNewSpec().addNewRule().withHost("shop.example.com").endRule().endSpec().build()).create();
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    private static Map<String, String> namespaceLabels(Labels labels) {
        Map<String, String> found = new TreeMap<>();
        labels.forEach((name, value) -> {
            if (name.startsWith("__meta_kubernetes_namespace_")) {
                found.put(name, value);
            }
        });
        return found;
    }

    @Test
    void everyNamespacedRoleCarriesItsNamespacesLabelsAndAnnotationsAndFollowsTheirChanges() throws Exception {
        Map<String, String> groupByRole = new LinkedHashMap<>();
        groupByRole.put("service", "svc/shop/web");
        groupByRole.put("endpoints", "endpoints/shop/web");
        groupByRole.put("endpointslice", "endpointslice/shop/web-x1");
        groupByRole.put("ingress", "ingress/shop/front");
        Map<String, DiscoveryHarness> runs = new LinkedHashMap<>();
        for (Map.Entry<String, String> role : groupByRole.entrySet()) {
            runs.put(role.getKey(), api.start(api.block(role.getKey(), "attach_metadata", Map.of("namespace", true))));
        }
        DiscoveryHarness without = api.start(api.block("service"));

        Map<String, String> expected = Map.of(
                "__meta_kubernetes_namespace_label_team", "payments",
                "__meta_kubernetes_namespace_labelpresent_team", "true",
                "__meta_kubernetes_namespace_label_kubernetes_io_metadata_name", "shop",
                "__meta_kubernetes_namespace_labelpresent_kubernetes_io_metadata_name", "true",
                "__meta_kubernetes_namespace_annotation_owner", "ana",
                "__meta_kubernetes_namespace_annotationpresent_owner", "true");
        for (Map.Entry<String, String> role : groupByRole.entrySet()) {
            String source = role.getValue();
            DiscoveryHarness run = runs.get(role.getKey());
            run.await(role.getKey() + " with namespace metadata", s -> s.containsKey(source)
                    && s.get(source).labels().get("__meta_kubernetes_namespace_label_team") != null);
            assertThat(namespaceLabels(run.groups().get(source).labels())).as(role.getKey()).isEqualTo(new TreeMap<>(expected));
            assertThat(run.groups().get(source).labels().get("__meta_kubernetes_namespace")).isEqualTo("shop");
            MockApi.awaitWatching(run);
        }
        without.await("the service without namespace metadata", s -> s.containsKey("svc/shop/web"));
        assertThat(namespaceLabels(without.groups().get("svc/shop/web").labels())).isEmpty();

        api.client.namespaces().withName("shop").edit(n -> {
            n.getMetadata().getLabels().put("team", "checkout");
            n.getMetadata().getAnnotations().remove("owner");
            return n;
        });
        for (Map.Entry<String, String> role : groupByRole.entrySet()) {
            String source = role.getValue();
            DiscoveryHarness run = runs.get(role.getKey());
            run.await(role.getKey() + " with the namespace's new label", s -> "checkout".equals(
                    s.get(source).labels().get("__meta_kubernetes_namespace_label_team")));
            assertThat(namespaceLabels(run.groups().get(source).labels())).as(role.getKey())
                    .doesNotContainKeys("__meta_kubernetes_namespace_annotation_owner", "__meta_kubernetes_namespace_annotationpresent_owner");
        }
        assertThat(without.noUpdates()).as("a job without namespace metadata is not re-sent").isTrue();
    }
}
