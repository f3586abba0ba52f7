package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service, node and ingress roles against the API mock, label by label. */
class ServiceNodeIngressRoleTest {

    @TempDir
    Path dir;
    private MockApi api;

    @BeforeEach
    void startApi() {
        api = new MockApi(dir);
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void aServiceHasATargetPerPortAtItsClusterDnsName() throws Exception {
        api.client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web")
                .withLabels(Map.of("app", "web")).withAnnotations(Map.of("prometheus.io/probe", "true")).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.10")
                .addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort()
                .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort()
                .endSpec().build()).create();
        api.client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("lb")
                .endMetadata().withNewSpec().withType("LoadBalancer").withClusterIP("10.96.0.11").withLoadBalancerIP("203.0.113.9")
                .addNewPort().withName("https").withPort(443).withProtocol("TCP").endPort().endSpec().build()).create();
        api.client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("ext")
                .endMetadata().withNewSpec().withType("ExternalName").withExternalName("db.example.com")
                .addNewPort().withName("pg").withPort(5432).withProtocol("TCP").endPort().endSpec().build()).create();
        DiscoveryHarness run = api.start(api.block("service"));
        run.await("the services", s -> s.containsKey("svc/shop/web") && s.containsKey("svc/shop/ext") && s.containsKey("svc/shop/lb"));
        TargetGroup web = run.groups().get("svc/shop/web");
        assertThat(web.labels()).isEqualTo(Labels.fromMap(Map.of("__meta_kubernetes_namespace", "shop",
                "__meta_kubernetes_service_name", "web", "__meta_kubernetes_service_label_app", "web",
                "__meta_kubernetes_service_labelpresent_app", "true",
                "__meta_kubernetes_service_annotation_prometheus_io_probe", "true",
                "__meta_kubernetes_service_annotationpresent_prometheus_io_probe", "true")));
        assertThat(web.targets()).containsExactly(
                Labels.fromMap(Map.of("__address__", "web.shop.svc:80", "__meta_kubernetes_service_port_name", "http",
                        "__meta_kubernetes_service_port_number", "80", "__meta_kubernetes_service_port_protocol", "TCP",
                        "__meta_kubernetes_service_type", "ClusterIP",
                        "__meta_kubernetes_service_cluster_ip", "10.96.0.10")),
                Labels.fromMap(Map.of("__address__", "web.shop.svc:53", "__meta_kubernetes_service_port_name", "dns",
                        "__meta_kubernetes_service_port_number", "53", "__meta_kubernetes_service_port_protocol", "UDP",
                        "__meta_kubernetes_service_type", "ClusterIP", "__meta_kubernetes_service_cluster_ip", "10.96.0.10")));
        assertThat(run.groups().get("svc/shop/ext").targets()).containsExactly(
                Labels.fromMap(Map.of("__address__", "ext.shop.svc:5432", "__meta_kubernetes_service_port_name", "pg",
                        "__meta_kubernetes_service_port_number", "5432", "__meta_kubernetes_service_port_protocol", "TCP",
                        "__meta_kubernetes_service_type", "ExternalName", "__meta_kubernetes_service_external_name", "db.example.com")));

        assertThat(run.groups().get("svc/shop/lb").targets()).containsExactly(
                Labels.fromMap(Map.of("__address__", "lb.shop.svc:443", "__meta_kubernetes_service_port_name", "https",
                        "__meta_kubernetes_service_port_number", "443", "__meta_kubernetes_service_port_protocol", "TCP",
                        "__meta_kubernetes_service_type", "LoadBalancer", "__meta_kubernetes_service_cluster_ip", "10.96.0.11",
                        "__meta_kubernetes_service_loadbalancer_ip", "203.0.113.9")));

        MockApi.awaitWatching(run);
        api.client.services().inNamespace("shop").withName("ext").delete();
        run.await("the deleted service's empty group", s -> s.get("svc/shop/ext").targets().isEmpty());
    }

    @Test
    void aNodeIsScrapedAtItsPreferredAddressAndKubeletPort() throws Exception {
        api.client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").withLabels(Map.of("kubernetes.io/os", "linux"))
                .withAnnotations(Map.of("node.alpha/ttl", "0")).endMetadata()
                .withNewSpec().withProviderID("aws:///eu-1a/i-123").endSpec()
                .withNewStatus()
                .addNewAddress().withType("Hostname").withAddress("node-1.local").endAddress()
                .addNewAddress().withType("ExternalIP").withAddress("203.0.113.5").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("10.0.0.5").endAddress()
                .addNewAddress().withType("InternalIP").withAddress("10.0.0.6").endAddress()
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(10250).endKubeletEndpoint().endDaemonEndpoints()
                .endStatus().build()).create();
        api.client.nodes().resource(new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build()).create();
        DiscoveryHarness run = api.start(api.block("node"));
        run.await("the node", s -> s.containsKey("node/node-1") && s.containsKey("node/bare"));
        TargetGroup node = run.groups().get("node/node-1");
        assertThat(node.labels()).isEqualTo(Labels.fromMap(Map.of("__meta_kubernetes_node_name", "node-1",
                "__meta_kubernetes_node_provider_id", "aws:///eu-1a/i-123",
                "__meta_kubernetes_node_label_kubernetes_io_os", "linux", "__meta_kubernetes_node_labelpresent_kubernetes_io_os", "true",
                "__meta_kubernetes_node_annotation_node_alpha_ttl", "0", "__meta_kubernetes_node_annotationpresent_node_alpha_ttl", "true")));
        assertThat(node.targets()).containsExactly(Labels.fromMap(Map.of("__address__", "10.0.0.5:10250", "instance", "node-1",
                "__meta_kubernetes_node_address_InternalIP", "10.0.0.5", "__meta_kubernetes_node_address_ExternalIP", "203.0.113.5",
                "__meta_kubernetes_node_address_Hostname", "node-1.local")));
        assertThat(run.groups().get("node/bare").targets()).as("a node without addresses has no target").isEmpty();
    }

    @Test
    void anIngressHasATargetPerRuleAndPathWithItsScheme() throws Exception {
        api.client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder()
                .withNewMetadata().withNamespace("shop").withName("front").withLabels(Map.of("app", "front")).endMetadata()
                .withNewSpec().withIngressClassName("nginx")
                .addNewTl().withHosts("*.example.com").endTl()
                .addNewRule().withHost("shop.example.com").withNewHttp()
                .addNewPath().withPath("/cart").withPathType("Prefix").withNewBackend().withNewService().withName("web")
                .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                .addNewPath().withPathType("Prefix").withNewBackend().withNewService().withName("web")
                .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                .endHttp().endRule()
                .addNewRule().withHost("a.b.example.com").endRule()
                .endSpec().build()).create();
        DiscoveryHarness run = api.start(api.block("ingress"));
        run.await("the ingress", s -> s.containsKey("ingress/shop/front"));
        TargetGroup ingress = run.groups().get("ingress/shop/front");
        assertThat(ingress.labels()).isEqualTo(Labels.fromMap(Map.of("__meta_kubernetes_namespace", "shop",
                "__meta_kubernetes_ingress_name", "front", "__meta_kubernetes_ingress_label_app", "front",
                "__meta_kubernetes_ingress_labelpresent_app", "true", "__meta_kubernetes_ingress_class_name", "nginx")));
        assertThat(ingress.targets()).containsExactly(
                Labels.fromMap(Map.of("__address__", "shop.example.com", "__meta_kubernetes_ingress_scheme", "https",
                        "__meta_kubernetes_ingress_path", "/cart")),
                Labels.fromMap(Map.of("__address__", "shop.example.com", "__meta_kubernetes_ingress_scheme", "https",
                        "__meta_kubernetes_ingress_path", "/")),
                Labels.fromMap(Map.of("__address__", "a.b.example.com", "__meta_kubernetes_ingress_scheme", "http",
                        "__meta_kubernetes_ingress_path", "/")));
    }

    @Test
    void hostnamePatternsMatchOneLeadingLabel() {
        assertThat(IngressTargets.matchesHostnamePattern("*.example.com", "a.example.com")).isTrue();
        assertThat(IngressTargets.matchesHostnamePattern("*.example.com", "a.b.example.com")).isFalse();
        assertThat(IngressTargets.matchesHostnamePattern("example.com", "example.com")).isTrue();
        assertThat(IngressTargets.matchesHostnamePattern("x.example.com", "a.example.com")).isFalse();
    }
}
