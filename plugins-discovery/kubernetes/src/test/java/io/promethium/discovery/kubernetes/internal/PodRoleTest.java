package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pod role against the API mock: every documented label, the addresses, and changes while running. */
class PodRoleTest {

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

    static Pod pod(String ns, String name, String ip) {
        return new PodBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).withUid("uid-" + name)
                .withLabels(Map.of("app", "web", "app.kubernetes.io/name", "shop"))
                .withAnnotations(Map.of("prometheus.io/scrape", "true"))
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-5d8").withUid("rs")
                .withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName("node-1")
                .addToContainers(new ContainerBuilder().withName("app").withImage("shop:1.2")
                        .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").endPort()
                        .addNewPort().withName("metrics").withContainerPort(9090).withProtocol("TCP").endPort().build())
                .addToContainers(new ContainerBuilder().withName("sidecar").withImage("proxy:3").build())
                .addToInitContainers(new ContainerBuilder().withName("init").withImage("busybox")
                        .addNewPort().withName("debug").withContainerPort(7000).withProtocol("UDP").endPort().build())
                .endSpec()
                .withNewStatus().withPodIP(ip).withHostIP("192.168.1.10").withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewContainerStatus().withName("app").withContainerID("containerd://abc").endContainerStatus()
                .addNewInitContainerStatus().withName("init").withContainerID("containerd://init1").endInitContainerStatus()
                .endStatus()
                .build();
    }

    @Test
    void aPodIsOneGroupWithATargetPerContainerPortAndOnePerPortlessContainer() throws Exception {
        Pod created = api.client.pods().inNamespace("shop").resource(pod("shop", "web-1", "10.1.2.3")).create();
        DiscoveryHarness run = api.start(api.block("pod"));
        run.await("the pod", s -> s.containsKey("pod/shop/web-1") && !s.get("pod/shop/web-1").targets().isEmpty());
        TargetGroup group = run.groups().get("pod/shop/web-1");
        assertThat(group.labels()).isEqualTo(Labels.fromMap(Map.ofEntries(
                Map.entry("__meta_kubernetes_namespace", "shop"),
                Map.entry("__meta_kubernetes_pod_name", "web-1"),
                Map.entry("__meta_kubernetes_pod_ip", "10.1.2.3"),
                Map.entry("__meta_kubernetes_pod_ready", "true"),
                Map.entry("__meta_kubernetes_pod_phase", "Running"),
                Map.entry("__meta_kubernetes_pod_node_name", "node-1"),
                Map.entry("__meta_kubernetes_pod_host_ip", "192.168.1.10"),
                Map.entry("__meta_kubernetes_pod_uid", created.getMetadata().getUid()),
                Map.entry("__meta_kubernetes_pod_controller_kind", "ReplicaSet"),
                Map.entry("__meta_kubernetes_pod_controller_name", "web-5d8"),
                Map.entry("__meta_kubernetes_pod_label_app", "web"),
                Map.entry("__meta_kubernetes_pod_labelpresent_app", "true"),
                Map.entry("__meta_kubernetes_pod_label_app_kubernetes_io_name", "shop"),
                Map.entry("__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name", "true"),
                Map.entry("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"),
                Map.entry("__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape", "true"))));
        assertThat(group.targets()).containsExactly(
                Labels.fromMap(Map.of("__address__", "10.1.2.3:8080", "__meta_kubernetes_pod_container_name", "app",
                        "__meta_kubernetes_pod_container_id", "containerd://abc", "__meta_kubernetes_pod_container_image", "shop:1.2",
                        "__meta_kubernetes_pod_container_port_number", "8080", "__meta_kubernetes_pod_container_port_name", "http",
                        "__meta_kubernetes_pod_container_port_protocol", "TCP", "__meta_kubernetes_pod_container_init", "false")),
                Labels.fromMap(Map.of("__address__", "10.1.2.3:9090", "__meta_kubernetes_pod_container_name", "app",
                        "__meta_kubernetes_pod_container_id", "containerd://abc", "__meta_kubernetes_pod_container_image", "shop:1.2",
                        "__meta_kubernetes_pod_container_port_number", "9090", "__meta_kubernetes_pod_container_port_name", "metrics",
                        "__meta_kubernetes_pod_container_port_protocol", "TCP", "__meta_kubernetes_pod_container_init", "false")),
                Labels.fromMap(Map.of("__address__", "10.1.2.3", "__meta_kubernetes_pod_container_name", "sidecar",
                        "__meta_kubernetes_pod_container_id", "", "__meta_kubernetes_pod_container_image", "proxy:3",
                        "__meta_kubernetes_pod_container_init", "false")),
                Labels.fromMap(Map.of("__address__", "10.1.2.3:7000", "__meta_kubernetes_pod_container_name", "init",
                        "__meta_kubernetes_pod_container_id", "containerd://init1", "__meta_kubernetes_pod_container_image", "busybox",
                        "__meta_kubernetes_pod_container_port_number", "7000", "__meta_kubernetes_pod_container_port_name", "debug",
                        "__meta_kubernetes_pod_container_port_protocol", "UDP", "__meta_kubernetes_pod_container_init", "true")));
    }

    @Test
    void podsCreatedChangedAndDeletedWhileRunningAreFollowed() throws Exception {
        api.client.pods().inNamespace("shop").resource(pod("shop", "web-1", "10.1.2.3")).create();
        DiscoveryHarness run = api.start(api.block("pod"));
        run.await("the first pod", s -> s.containsKey("pod/shop/web-1"));
        MockApi.awaitWatching(run);

        api.client.pods().inNamespace("shop").resource(pod("shop", "web-2", "10.1.2.4")).create();
        run.await("the created pod", s -> s.containsKey("pod/shop/web-2") && !s.get("pod/shop/web-2").targets().isEmpty());

        Pod changed = pod("shop", "web-2", "10.1.2.4");
        changed.getMetadata().getLabels().put("track", "canary");
        api.client.pods().inNamespace("shop").resource(changed).update();
        run.await("the changed label", s -> "canary".equals(s.get("pod/shop/web-2").labels().get("__meta_kubernetes_pod_label_track")));

        api.client.pods().inNamespace("shop").withName("web-1").delete();
        run.await("an empty group for the deleted pod", s -> s.get("pod/shop/web-1").targets().isEmpty());
        assertThat(run.groups().get("pod/shop/web-2").targets()).hasSize(4);
    }

    @Test
    void aPodWithoutAnIpHasNoTargetsYet() throws Exception {
        Pod pending = pod("shop", "starting", "");
        pending.getStatus().setPodIP(null);
        api.client.pods().inNamespace("shop").resource(pending).create();
        api.client.pods().inNamespace("shop").resource(pod("shop", "web-1", "10.1.2.3")).create();
        DiscoveryHarness run = api.start(api.block("pod"));
        List<TargetGroup> initial = MockApi.initial(run);
        assertThat(initial).extracting(TargetGroup::source).containsExactlyInAnyOrder("pod/shop/starting", "pod/shop/web-1");
        assertThat(run.groups().get("pod/shop/starting").targets()).isEmpty();
        MockApi.awaitWatching(run);

        api.client.pods().inNamespace("shop").resource(pod("shop", "starting", "10.9.9.9")).update();
        run.await("the started pod's targets", s -> !s.get("pod/shop/starting").targets().isEmpty());
    }

    @Test
    void namespacesAndLabelSelectorsLimitWhatIsWatched() throws Exception {
        api.client.pods().inNamespace("shop").resource(pod("shop", "web-1", "10.1.2.3")).create();
        api.client.pods().inNamespace("other").resource(pod("other", "web-9", "10.1.2.9")).create();
        Pod db = pod("shop", "db-1", "10.1.2.5");
        db.getMetadata().getLabels().put("app", "db");
        api.client.pods().inNamespace("shop").resource(db).create();
        DiscoveryHarness run = api.start(api.block("pod", "namespaces", Map.of("names", List.of("shop")),
                "selectors", List.of(Map.of("role", "pod", "label", "app=web"))));
        List<TargetGroup> initial = MockApi.initial(run);
        assertThat(initial).extracting(TargetGroup::source).containsExactly("pod/shop/web-1");
    }

    @Test
    void attachedNodeAndNamespaceMetadataFollowTheirObjects() throws Exception {
        api.client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("shop")
                .withLabels(Map.of("team", "payments")).withAnnotations(Map.of("owner", "ana")).endMetadata().build()).create();
        api.client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("node-1")
                .withLabels(Map.of("topology.kubernetes.io/zone", "eu-1a")).endMetadata().build()).create();
        api.client.pods().inNamespace("shop").resource(pod("shop", "web-1", "10.1.2.3")).create();
        DiscoveryHarness run = api.start(api.block("pod", "attach_metadata", Map.of("node", true, "namespace", true)));
        run.await("the pod with metadata", s -> s.containsKey("pod/shop/web-1")
                && s.get("pod/shop/web-1").labels().get("__meta_kubernetes_node_name") != null);
        Labels labels = run.groups().get("pod/shop/web-1").labels();
        assertThat(labels.get("__meta_kubernetes_node_name")).isEqualTo("node-1");
        assertThat(labels.get("__meta_kubernetes_node_label_topology_kubernetes_io_zone")).isEqualTo("eu-1a");
        assertThat(labels.get("__meta_kubernetes_node_labelpresent_topology_kubernetes_io_zone")).isEqualTo("true");
        assertThat(labels.get("__meta_kubernetes_namespace_label_team")).isEqualTo("payments");
        assertThat(labels.get("__meta_kubernetes_namespace_labelpresent_team")).isEqualTo("true");
        assertThat(labels.get("__meta_kubernetes_namespace_annotation_owner")).isEqualTo("ana");
        assertThat(labels.get("__meta_kubernetes_namespace_annotationpresent_owner")).isEqualTo("true");
        MockApi.awaitWatching(run);

        api.client.nodes().withName("node-1").edit(n -> {
            n.getMetadata().getLabels().put("topology.kubernetes.io/zone", "eu-1b");
            return n;
        });
        run.await("the node's new label on the pod", s -> "eu-1b".equals(
                s.get("pod/shop/web-1").labels().get("__meta_kubernetes_node_label_topology_kubernetes_io_zone")));
    }
}
