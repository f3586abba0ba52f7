package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.testing.DiscoveryHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http_headers} in {@code kubernetes_sd_configs} (with {@code api_server}, as every
 * custom HTTP setting): values, secrets and files reach the API on list and watch requests alike,
 * a header file is read anew for each request. That their secret values never show in the printed
 * config is the server's doing for every plugin's block, checked by the kernel's
 * {@code PluginConfigRoutingTest}.
 */
class HttpHeadersTest {

    @TempDir
    Path dir;
    private MockApi api;
    private final List<RecordedRequest> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startApi() {
        api = new MockApi(dir);
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        api.client.services().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata()
                .withNamespace("shop").withName("web").endMetadata().withNewSpec().withClusterIP("10.96.0.10")
                .addNewPort().withPort(80).endPort().endSpec().build()).create();
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    private static final Map<String, Object> HEADERS = Map.of(
            "X-Scope-OrgID", Map.of("files", List.of("tenant.txt")),
            "X-Api-Key", Map.of("secrets", List.of("s3cret-key")),
            "X-Team", Map.of("values", List.of("shop", "web")));

    /** Waits for a request the API received that matches (every request seen is kept). */
    private RecordedRequest awaitRequest(String what, Predicate<RecordedRequest> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (RecordedRequest request : seen) {
                if (wanted.test(request)) {
                    return request;
                }
            }
            RecordedRequest request = api.server.takeRequest(100, TimeUnit.MILLISECONDS);
            if (request != null) {
                seen.add(request);
            }
        }
        throw new AssertionError("no " + what + " within 15 s; requests: " + seen.stream().map(RecordedRequest::getPath).toList());
    }

    private static Predicate<RecordedRequest> get(String path, boolean watch) {
        return r -> "GET".equals(r.getMethod()) && r.getPath().startsWith(path + "?") && r.getPath().contains("watch=true") == watch;
    }

    private static void assertHeaders(RecordedRequest request, String tenant) {
        assertThat(request.getHeader("X-Scope-OrgID")).as(request.getPath()).isEqualTo(tenant);
        assertThat(request.getHeader("X-Api-Key")).as(request.getPath()).isEqualTo("s3cret-key");
        assertThat(request.getHeaders().headers("X-Team")).as(request.getPath()).containsAnyOf("shop, web", "shop,web");
    }

    @Test
    void configuredHeadersReachTheApiOnListAndWatchRequestsAndHeaderFilesAreReadForEachRequest() throws Exception {
        Files.writeString(dir.resolve("tenant.txt"), "tenant-a\n");
        DiscoveryHarness pods = api.start(api.block("pod", "http_headers", HEADERS), api.context("pods"));
        pods.await("the pod", s -> s.containsKey("pod/shop/web-1"));
        MockApi.awaitWatching(pods);
        assertHeaders(awaitRequest("a pod list", get("/api/v1/pods", false)), "tenant-a");
        assertHeaders(awaitRequest("a pod watch", get("/api/v1/pods", true)), "tenant-a");

        // The file changes: the next request (a second job's list and watch on the same connection) carries the new value.
        Files.writeString(dir.resolve("tenant.txt"), "tenant-b\n");
        DiscoveryHarness services = api.start(api.block("service", "http_headers", HEADERS), api.context("services"));
        services.await("the service", s -> s.containsKey("svc/shop/web"));
        assertThat(api.factory.connections().openConnections()).isEqualTo(1);
        assertHeaders(awaitRequest("a service list", get("/api/v1/services", false)), "tenant-b");
        assertHeaders(awaitRequest("a service watch", get("/api/v1/services", true)), "tenant-b");
    }

    @Test
    void aJobWithoutHeadersSendsNoneAndUsesItsOwnConnection() throws Exception {
        Files.writeString(dir.resolve("tenant.txt"), "tenant-a\n");
        DiscoveryHarness with = api.start(api.block("pod", "http_headers", HEADERS), api.context("with"));
        DiscoveryHarness without = api.start(api.block("service"), api.context("without"));
        with.await("the pod", s -> s.containsKey("pod/shop/web-1"));
        without.await("the service", s -> s.containsKey("svc/shop/web"));
        assertThat(api.factory.connections().openConnections()).isEqualTo(2);
        RecordedRequest plain = awaitRequest("a service list", get("/api/v1/services", false));
        assertThat(plain.getHeader("X-Api-Key")).isNull();
        assertThat(plain.getHeader("X-Scope-OrgID")).isNull();
    }

    @Test
    void headersAreACustomHttpSettingAsInPrometheus() throws Exception {
        PluginConfig withKubeconfig = new PluginConfig("kubernetes_sd_configs", Map.of("role", "pod", "kubeconfig_file", "kc",
                "http_headers", HEADERS), "prometheus.yml:3:7");
        PluginConfig inCluster = new PluginConfig("kubernetes_sd_configs", Map.of("role", "pod", "http_headers", HEADERS),
                "prometheus.yml:3:7");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KubernetesSdConfig.parse(withKubeconfig))
                .hasMessageContaining("cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KubernetesSdConfig.parse(inCluster))
                .hasMessageContaining("to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
    }
}
