package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints and endpointslice roles against the API mock: addresses, conditions, pods and services behind them. */
class EndpointsRoleTest {

    @TempDir
    Path dir;
    private MockApi api;
    private Pod pod;

    @BeforeEach
    void startApi() {
        api = new MockApi(dir);
        api.client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web")
                .withLabels(Map.of("tier", "front")).endMetadata().withNewSpec().withClusterIP("10.96.0.10")
                .addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        pod = api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    /** The labels of pod web-1 on a target that reaches it. */
    private Map<String, String> podLabels() {
        Map<String, String> labels = new HashMap<>();
        PodTargets.addPodLabels(labels, pod);
        return labels;
    }

    @Test
    void endpointsHaveATargetPerAddressAndPortWithThePodAndServiceBehind() throws Exception {
        api.client.endpoints().inNamespace("shop").resource(new EndpointsBuilder().withNewMetadata().withNamespace("shop").withName("web")
                .withLabels(Map.of("svc", "web")).endMetadata()
                .addNewSubset()
                .addNewAddress().withIp("10.1.2.3").withNodeName("node-1").withNewTargetRef().withKind("Pod").withName("web-1")
                .withNamespace("shop").endTargetRef().endAddress()
                .addNewNotReadyAddress().withIp("10.1.2.7").withHostname("web-7").endNotReadyAddress()
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").withAppProtocol("http").endPort()
                .endSubset()
                .addNewSubset().addNewAddress().withIp("10.1.2.8").endAddress().endSubset()
                .build()).create();
        DiscoveryHarness run = api.start(api.block("endpoints"));
        run.await("the endpoints", s -> s.containsKey("endpoints/shop/web"));
        TargetGroup group = run.groups().get("endpoints/shop/web");
        assertThat(group.labels()).isEqualTo(Labels.fromMap(Map.of("__meta_kubernetes_namespace", "shop",
                "__meta_kubernetes_endpoints_name", "web", "__meta_kubernetes_endpoints_label_svc", "web",
                "__meta_kubernetes_endpoints_labelpresent_svc", "true", "__meta_kubernetes_service_name", "web",
                "__meta_kubernetes_service_label_tier", "front", "__meta_kubernetes_service_labelpresent_tier", "true")));

        Map<String, String> ready = new HashMap<>(podLabels());
        ready.putAll(Map.of("__address__", "10.1.2.3:8080", "__meta_kubernetes_endpoint_port_name", "http",
                "__meta_kubernetes_endpoint_port_protocol", "TCP", "__meta_kubernetes_endpoint_ready", "true",
                "__meta_kubernetes_endpoint_address_target_kind", "Pod",
                "__meta_kubernetes_endpoint_address_target_name", "web-1", "__meta_kubernetes_endpoint_node_name", "node-1"));
        ready.putAll(Map.of("__meta_kubernetes_pod_container_name", "app", "__meta_kubernetes_pod_container_image", "shop:1.2",
                "__meta_kubernetes_pod_container_port_name", "http", "__meta_kubernetes_pod_container_port_number", "8080",
                "__meta_kubernetes_pod_container_port_protocol", "TCP", "__meta_kubernetes_pod_container_init", "false"));
        Map<String, String> notReady = Map.of("__address__", "10.1.2.7:8080", "__meta_kubernetes_endpoint_port_name", "http",
                "__meta_kubernetes_endpoint_port_protocol", "TCP", "__meta_kubernetes_endpoint_ready", "false",
                "__meta_kubernetes_endpoint_hostname", "web-7");
        // The pod's ports the endpoints did not use are targets too.
        Map<String, String> metrics = new HashMap<>(podLabels());
        metrics.putAll(Map.of("__address__", "10.1.2.3:9090", "__meta_kubernetes_pod_container_name", "app",
                "__meta_kubernetes_pod_container_image", "shop:1.2", "__meta_kubernetes_pod_container_port_name", "metrics",
                "__meta_kubernetes_pod_container_port_number", "9090", "__meta_kubernetes_pod_container_port_protocol", "TCP",
                "__meta_kubernetes_pod_container_init", "false"));
        Map<String, String> debug = new HashMap<>(podLabels());
        debug.putAll(Map.of("__address__", "10.1.2.3:7000", "__meta_kubernetes_pod_container_name", "init",
                "__meta_kubernetes_pod_container_image", "busybox", "__meta_kubernetes_pod_container_port_name", "debug",
                "__meta_kubernetes_pod_container_port_number", "7000", "__meta_kubernetes_pod_container_port_protocol", "UDP",
                "__meta_kubernetes_pod_container_init", "true"));
        assertThat(group.targets()).as("a subset without ports gives no target").containsExactly(Labels.fromMap(ready),
                Labels.fromMap(notReady), Labels.fromMap(metrics), Labels.fromMap(debug));

        MockApi.awaitWatching(run);
        api.client.services().inNamespace("shop").withName("web").edit(s -> {
            s.getMetadata().getLabels().put("tier", "back");
            return s;
        });
        run.await("the service's new label", s -> "back".equals(s.get("endpoints/shop/web").labels().get("__meta_kubernetes_service_label_tier")));

        api.client.pods().inNamespace("shop").withName("web-1").edit(p -> {
            p.getMetadata().getLabels().put("version", "2");
            return p;
        });
        run.await("the pod's new label", s -> "2".equals(s.get("endpoints/shop/web").targets().get(0).get("__meta_kubernetes_pod_label_version")));

        api.client.endpoints().inNamespace("shop").withName("web").delete();
        run.await("the deleted endpoints' empty group", s -> s.get("endpoints/shop/web").targets().isEmpty());
    }

    @Test
    void endpointSlicesCarryConditionsTopologyAndThePodBehind() throws Exception {
        api.client.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("shop").withName("web-abc").withLabels(Map.of("kubernetes.io/service-name", "web")).endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.1.2.3").withNewConditions().withReady(true).withServing(true).withTerminating(false)
                .endConditions().withHostname("web-1").withNodeName("node-1").withZone("eu-1a")
                .withDeprecatedTopology(Map.of("topology.kubernetes.io/region", "eu"))
                .withNewTargetRef().withKind("Pod").withName("web-1").withNamespace("shop").endTargetRef().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.2.9").withNewConditions().withReady(false).endConditions().endEndpoint()
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").withAppProtocol("http").endPort()
                .addNewPort().withName("admin").withPort(9999).withProtocol("TCP").endPort()
                .build()).create();
        DiscoveryHarness run = api.start(api.block("endpointslice"));
        run.await("the slice", s -> s.containsKey("endpointslice/shop/web-abc"));
        TargetGroup group = run.groups().get("endpointslice/shop/web-abc");
        Map<String, String> expectedGroup = new HashMap<>(Map.of("__meta_kubernetes_namespace", "shop",
                "__meta_kubernetes_endpointslice_name", "web-abc", "__meta_kubernetes_endpointslice_address_type", "IPv4",
                "__meta_kubernetes_endpointslice_label_kubernetes_io_service_name", "web",
                "__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name", "true",
                "__meta_kubernetes_service_name", "web", "__meta_kubernetes_service_label_tier", "front",
                "__meta_kubernetes_service_labelpresent_tier", "true"));
        assertThat(group.labels()).isEqualTo(Labels.fromMap(expectedGroup));

        Map<String, String> first = new HashMap<>(podLabels());
        first.putAll(Map.of("__address__", "10.1.2.3:8080", "__meta_kubernetes_endpointslice_port_name", "http",
                "__meta_kubernetes_endpointslice_port_protocol", "TCP", "__meta_kubernetes_endpointslice_port", "8080",
                "__meta_kubernetes_endpointslice_port_app_protocol", "http",
                "__meta_kubernetes_endpointslice_endpoint_conditions_ready", "true",
                "__meta_kubernetes_endpointslice_endpoint_conditions_serving", "true",
                "__meta_kubernetes_endpointslice_endpoint_conditions_terminating", "false",
                "__meta_kubernetes_endpointslice_endpoint_hostname", "web-1"));
        first.putAll(Map.of("__meta_kubernetes_endpointslice_address_target_kind", "Pod",
                "__meta_kubernetes_endpointslice_address_target_name", "web-1",
                "__meta_kubernetes_endpointslice_endpoint_node_name", "node-1", "__meta_kubernetes_endpointslice_endpoint_zone", "eu-1a",
                "__meta_kubernetes_endpointslice_endpoint_topology_topology_kubernetes_io_region", "eu",
                "__meta_kubernetes_endpointslice_endpoint_topology_present_topology_kubernetes_io_region", "true"));
        first.putAll(Map.of("__meta_kubernetes_pod_container_name", "app", "__meta_kubernetes_pod_container_image", "shop:1.2",
                "__meta_kubernetes_pod_container_port_name", "http", "__meta_kubernetes_pod_container_port_number", "8080",
                "__meta_kubernetes_pod_container_port_protocol", "TCP", "__meta_kubernetes_pod_container_init", "false"));
        Map<String, String> second = Map.of("__address__", "10.1.2.9:8080", "__meta_kubernetes_endpointslice_port_name", "http",
                "__meta_kubernetes_endpointslice_port_protocol", "TCP", "__meta_kubernetes_endpointslice_port", "8080",
                "__meta_kubernetes_endpointslice_port_app_protocol", "http",
                "__meta_kubernetes_endpointslice_endpoint_conditions_ready", "false");
        // Endpoint by endpoint, each port, as Prometheus orders them; then the pod's unused container ports.
        assertThat(group.targets()).extracting(t -> t.get("__address__")).containsExactly("10.1.2.3:8080", "10.1.2.3:9999",
                "10.1.2.9:8080", "10.1.2.9:9999", "10.1.2.3:9090", "10.1.2.3:7000");
        assertThat(group.targets().get(0)).isEqualTo(Labels.fromMap(first));
        assertThat(group.targets().get(2)).isEqualTo(Labels.fromMap(second));

        MockApi.awaitWatching(run);
        api.client.discovery().v1().endpointSlices().inNamespace("shop").withName("web-abc").edit(e -> {
            e.getEndpoints().get(1).getConditions().setReady(true);
            return e;
        });
        run.await("the endpoint turning ready", s -> "true".equals(
                s.get("endpointslice/shop/web-abc").targets().get(2).get("__meta_kubernetes_endpointslice_endpoint_conditions_ready")));
    }
}
