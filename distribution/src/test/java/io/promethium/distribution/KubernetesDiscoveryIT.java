package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes discovery plugin in the real server, end to end: pods in fabric8's API mock
 * whose IP is loopback and whose annotations point at HTTP servers of this test are scraped with
 * the usual {@code kubernetes-pods} relabel recipe, and the samples carry the relabeled labels; a
 * deleted pod's target goes; the plugin's jar hot-deploys; {@code check config} accepts a config shaped like Prometheus's
 * Kubernetes example and names what is wrong in a bad one.
 */
class KubernetesDiscoveryIT {
    /**
     * A removed discovery plugin's targets are held 2 s for its replacement rather than 15 s
     * (a hidden fault-test flag): the removal test waits for the targets to go.
     */
    static final String SHORT_GRACE = "--discovery.fault.plugin-grace=2s";

    private static ServerProcess server;
    private static KubernetesMockServer api;
    private static NamespacedKubernetesClient client;
    private static final List<HttpServer> exporters = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient(new JdkHttpClientFactory());
        int web = exporter("/metrics", "shop_requests_total 7\n");
        int db = exporter("/custom/metrics", "db_queries_total 3\n");
        client.pods().inNamespace("shop").resource(pod("web-1", Map.of("app", "web"), Map.of("prometheus.io/scrape", "true",
                "prometheus.io/port", String.valueOf(web)))).create();
        client.pods().inNamespace("shop").resource(pod("db-1", Map.of("app", "db"), Map.of("prometheus.io/scrape", "true",
                "prometheus.io/port", String.valueOf(db), "prometheus.io/path", "/custom/metrics"))).create();
        client.pods().inNamespace("shop").resource(pod("quiet-1", Map.of("app", "quiet"), Map.of())).create();

        server = ServerProcess.prepare();
        server.config("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: kubernetes-pods
                    kubernetes_sd_configs:
                      - role: pod
                        api_server: %s
                    relabel_configs:
                      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
                        action: keep
                        regex: true
                      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
                        action: replace
                        target_label: __metrics_path__
                        regex: (.+)
                      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
                        action: replace
                        regex: ([^:]+)(?::\\d+)?;(\\d+)
                        replacement: $1:$2
                        target_label: __address__
                      - action: labelmap
                        regex: __meta_kubernetes_pod_label_(.+)
                      - source_labels: [__meta_kubernetes_namespace]
                        action: replace
                        target_label: namespace
                      - source_labels: [__meta_kubernetes_pod_name]
                        action: replace
                        target_label: pod
                """.formatted(api.url("/"))).start("--plugins.scan-interval=1s", SHORT_GRACE).awaitReady();
    }

    private static Pod pod(String name, Map<String, String> labels, Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withNamespace("shop").withName(name).withLabels(labels).withAnnotations(annotations)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1")
                .addNewPort().withName("http").withContainerPort(8080).withProtocol("TCP").endPort().endContainer().endSpec()
                .withNewStatus().withPodIP("127.0.0.1").withPhase("Running").endStatus().build();
    }

    private static int exporter(String path, String body) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        http.start();
        exporters.add(http);
        return http.getAddress().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (HttpServer http : exporters) {
            http.stop(0);
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.destroy();
        }
    }

    private static String query(String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
    }

    @Test
    void annotatedPodsAreScrapedAndTheirSamplesCarryTheRelabeledLabels() {
        server.await(Duration.ofSeconds(60), () -> query("shop_requests_total").contains("\"pod\":\"web-1\""), "web-1's samples");
        String web = query("shop_requests_total");
        assertThat(web).contains("\"job\":\"kubernetes-pods\"", "\"app\":\"web\"", "\"namespace\":\"shop\"", "\"pod\":\"web-1\"",
                "\"instance\":\"127.0.0.1:" + exporters.get(0).getAddress().getPort() + "\"");
        server.await(Duration.ofSeconds(60), () -> query("db_queries_total").contains("\"pod\":\"db-1\""),
                "db-1's samples from its annotated path");
        assertThat(query("db_queries_total")).contains("\"app\":\"db\"", "\"namespace\":\"shop\"");
        assertThat(query("up{pod=\"quiet-1\"}")).as("a pod without the scrape annotation is dropped").contains("\"result\":[]");
        assertThat(server.get("/metrics").body()).contains("prometheus_sd_kubernetes_events_total");
    }

    @Test
    void aDeletedPodsTargetGoes() {
        server.await(Duration.ofSeconds(60), () -> server.get("/api/v1/targets").body().contains("\"pod\":\"db-1\""), "db-1's target");
        client.pods().inNamespace("shop").withName("db-1").delete();
        server.await(Duration.ofSeconds(30), () -> !server.get("/api/v1/targets?state=active").body().contains("\"pod\":\"db-1\""),
                "db-1's target gone with the pod");
        assertThat(server.get("/api/v1/targets?state=active").body()).contains("\"pod\":\"web-1\"");
    }

    @Test
    void removingThePluginJarDropsItsTargetsAndPuttingItBackRestoresThem() throws Exception {
        server.await(Duration.ofSeconds(60), () -> server.get("/api/v1/targets").body().contains("\"pod\":\"web-1\""), "web-1's target");
        Path jar = server.home.resolve("plugins/promethium-discovery-kubernetes.jar");
        Path aside = server.home.resolve("promethium-discovery-kubernetes.jar.aside");
        Files.move(jar, aside);
        server.await(Duration.ofSeconds(30), () -> !server.get("/api/v1/targets?state=active").body().contains("\"pod\":\"web-1\""),
                "the kubernetes targets dropped with the plugin");
        Files.move(aside, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        server.await(Duration.ofSeconds(60), () -> server.get("/api/v1/targets?state=active").body().contains("\"pod\":\"web-1\""),
                "the kubernetes targets back with the plugin, without a reload");
    }

    @Test
    void checkConfigAcceptsAConfigShapedLikePrometheusKubernetesExample() throws Exception {
        Path examples = server.home.resolve("conf/kubernetes-examples.yml");
        String example = Files.readString(Path.of("src/test/resources/kubernetes/prometheus-kubernetes-like.yml"));
        // Outside a pod the service account's files do not exist: as promtool, --syntax-only accepts the file and
        // the full check refuses it naming the missing token file in promtool's words.
        Files.writeString(examples, example);
        ServerProcess.Result syntax = server.runToCompletion("check", "config", "--syntax-only", examples.toString());
        assertThat(syntax.exitCode()).as(syntax.output()).isZero();
        ServerProcess.Result outside = server.runToCompletion("check", "config", examples.toString());
        assertThat(outside.exitCode()).as(outside.output()).isEqualTo(1);
        assertThat(outside.output()).contains("error checking authorization credentials or bearer token file "
                + "\"/var/run/secrets/kubernetes.io/serviceaccount/token\": stat /var/run/secrets/kubernetes.io/serviceaccount/token: "
                + "no such file or directory");

        // In a pod they do.
        Path serviceAccount = Files.createDirectories(server.home.resolve("conf/serviceaccount"));
        Files.writeString(serviceAccount.resolve("ca.crt"), "");
        Files.writeString(serviceAccount.resolve("token"), "token");
        Files.writeString(examples, example.replace("/var/run/secrets/kubernetes.io/serviceaccount/", serviceAccount + "/"));
        ServerProcess.Result ok = server.runToCompletion("check", "config", examples.toString());
        assertThat(ok.exitCode()).as(ok.output()).isZero();

        Files.writeString(examples, """
                scrape_configs:
                  - job_name: bad
                    kubernetes_sd_configs:
                      - role: endpoints
                        api_server: https://k8s:6443
                        kubeconfig_file: /etc/kube.conf
                """);
        ServerProcess.Result bad = server.runToCompletion("check", "config", examples.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.output()).contains("kubernetes-examples.yml").contains("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
    }
}
