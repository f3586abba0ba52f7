package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.testsupport.FaultyProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How discovery reaches the API: a kubeconfig file, the pod's service account (token re-read on rotation), outside a cluster. */
class ConnectionModesTest {

    @TempDir
    Path dir;
    private MockApi api;
    private FaultyProxy proxy;

    @BeforeEach
    void start() throws Exception {
        api = new MockApi(dir);
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        proxy = new FaultyProxy(api.url());
    }

    @AfterEach
    void stop() {
        api.close();
        proxy.close();
    }

    @Test
    void aKubeconfigFileGivesTheServerAndCredentials() throws Exception {
        Files.writeString(dir.resolve("kubeconfig.yml"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: %s
                users:
                  - name: prometheus
                    user:
                      token: kubeconfig-token
                contexts:
                  - name: mock
                    context:
                      cluster: mock
                      user: prometheus
                current-context: mock
                """.formatted(proxy.url()));
        DiscoveryHarness run = api.start(new PluginConfig("kubernetes_sd_configs",
                Map.of("role", "pod", "kubeconfig_file", "kubeconfig.yml"), "prometheus.yml:3:7"));
        run.await("the pod through the kubeconfig's server", s -> s.containsKey("pod/shop/web-1"));
        assertThat(proxy.authorizations).contains("Bearer kubeconfig-token");
    }

    @Test
    void theServiceAccountTokenIsReReadWhenRotated() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "first-token\n");
        InCluster.Token reader = new InCluster.Token(token);
        assertThat(reader.get()).isEqualTo("first-token");
        Files.writeString(token, "rotated-token-2\n");
        Files.setLastModifiedTime(token, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(reader.get()).isEqualTo("rotated-token-2");
    }

    @Test
    void inClusterTheApiServerComesFromTheEnvironmentAndOwnNamespaceFromTheServiceAccount() throws Exception {
        Files.writeString(dir.resolve("namespace"), "shop\n");
        InCluster inCluster = new InCluster("10.96.0.1", "443", dir.resolve("token"), dir.resolve("ca.crt"), dir.resolve("namespace"));
        assertThat(inCluster.apiServer()).isEqualTo("https://10.96.0.1:443");
        assertThat(inCluster.ownNamespace()).isEqualTo("shop");
        assertThat(new InCluster("fd00::1", "6443", token(), token(), token()).apiServer()).isEqualTo("https://[fd00::1]:6443");
        assertThatThrownBy(() -> new InCluster(null, null, token(), token(), token()).apiServer())
                .hasMessageContaining("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
    }

    private Path token() {
        return dir.resolve("token");
    }

    @Test
    void outsideAClusterWithoutAnApiServerTheJobHasNoTargetsAndSaysWhy() throws Exception {
        DiscoveryHarness run = api.start(new PluginConfig("kubernetes_sd_configs", Map.of("role", "pod"), "prometheus.yml:3:7"));
        List<TargetGroup> initial = MockApi.initial(run);
        assertThat(initial).isEmpty();
        assertThat(run.context().metrics().value("prometheus_sd_kubernetes_failures_total")).isPositive();
    }
}
