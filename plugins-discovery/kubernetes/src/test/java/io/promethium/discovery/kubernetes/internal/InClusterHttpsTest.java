package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.config.http.KernelHttpClientFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-cluster mode end to end: the API server from {@code KUBERNETES_SERVICE_HOST}/{@code _PORT},
 * reached over HTTPS and verified with the service account's {@code ca.crt}, every request
 * carrying the service account's token (re-read when rotated), namespace from its
 * {@code namespace} file. The API is fabric8's mock serving HTTPS with its own self-signed
 * certificate, which is the CA the service account directory hands out.
 */
class InClusterHttpsTest {

    @TempDir
    Path dir;
    private MockWebServer web;
    private KubernetesMockServer server;
    private NamespacedKubernetesClient client;
    private Path account;
    private final List<Discoverer> started = new ArrayList<>();
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        web = new MockWebServer();
        server = new KubernetesMockServer(new Context(), web, new HashMap<>(), new KubernetesCrudDispatcher(), true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        client.pods().inNamespace("other").resource(PodRoleTest.pod("other", "db-1", "10.1.2.9")).create();
        account = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(account.resolve("token"), "first-token\n");
        Files.writeString(account.resolve("namespace"), "shop\n");
    }

    @AfterEach
    void stop() {
        for (Discoverer discoverer : started) {
            discoverer.close();
        }
        client.close();
        server.destroy();
    }

    /** The mock's certificate names {@code localhost}, so the in-cluster host is that name, as a cluster's service name would be. */
    private KubernetesDiscovererFactory inCluster() {
        return new KubernetesDiscovererFactory(new InCluster("localhost", String.valueOf(server.getPort()), account.resolve("token"),
                account.resolve("ca.crt"), account.resolve("namespace")), Duration.ofSeconds(10), Duration.ofMillis(100));
    }

    private MockApi.Run run(KubernetesDiscovererFactory factory, TestPluginContext context, Map<String, Object> fields) throws Exception {
        Discoverer discoverer = factory.create(new PluginConfig("kubernetes_sd_configs", fields, "prometheus.yml:3:7"), context);
        started.add(discoverer);
        MockApi.Run run = new MockApi.Run(discoverer, context);
        discoverer.start(run.updates::add);
        return run;
    }

    /** Waits until the API has seen a request with this Authorization header (all headers seen are kept). */
    private void awaitAuthorization(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!authorizations.contains(expected) && System.nanoTime() < deadline) {
            RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS);
            if (request != null && request.getHeader("Authorization") != null) {
                authorizations.add(request.getHeader("Authorization"));
            }
        }
        assertThat(authorizations).as("Authorization headers the API saw").contains(expected);
    }

    @Test
    void theServiceAccountReachesTheApiOverHttpsWithItsTokenAndCaAndRotatedTokensAreUsed() throws Exception {
        Files.copy(Path.of(web.getSelfSignedCertificate().certificatePath()), account.resolve("ca.crt"));
        KubernetesDiscovererFactory factory = inCluster();
        TestPluginContext context = new TestPluginContext(dir, "in-cluster", new KernelHttpClientFactory());
        MockApi.Run pods = run(factory, context, Map.of("role", "pod", "namespaces", Map.of("own_namespace", true)));

        Map<String, ?> groups = pods.await("the pod of the own namespace over HTTPS", s -> s.containsKey("pod/shop/web-1"));
        assertThat(groups).doesNotContainKey("pod/other/db-1");
        assertThat(pods.group("pod/shop/web-1").targets()).isNotEmpty();
        awaitAuthorization("Bearer first-token");
        assertThat(context.metrics().value("prometheus_sd_kubernetes_failures_total")).isZero();

        // The kubelet rotates the projected token: the next request (here: a second job's list on the same connection) carries the new one.
        Files.writeString(account.resolve("token"), "rotated-token\n");
        Files.setLastModifiedTime(account.resolve("token"), FileTime.from(Instant.now().plusSeconds(5)));
        MockApi.Run services = run(factory, new TestPluginContext(dir, "in-cluster-2", new KernelHttpClientFactory()),
                Map.of("role", "service", "namespaces", Map.of("own_namespace", true)));
        services.initial();
        awaitAuthorization("Bearer rotated-token");
        assertThat(factory.connections().openConnections()).isEqualTo(1);
    }

    @Test
    void aCaThatDidNotSignTheApiServersCertificateIsRefusedCountedAndReported() throws Exception {
        Files.copy(TestCertificates.create(dir).caPem(), account.resolve("ca.crt"));
        TestPluginContext context = new TestPluginContext(dir, "wrong-ca", new KernelHttpClientFactory());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        context.logger().addHandler(handler);
        try {
            MockApi.Run run = run(inCluster(), context, Map.of("role", "pod"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (context.metrics().value("prometheus_sd_kubernetes_failures_total") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(context.metrics().value("prometheus_sd_kubernetes_failures_total")).isPositive();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (warnings.stream().noneMatch(w -> w.contains("failed")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(warnings).as("warnings logged").anySatisfy(w -> assertThat(w)
                    .contains("listing or watching pod failed").containsAnyOf("PKIX", "certification path", "SSLHandshakeException"));
            assertThat(run.state).isEmpty();
            assertThat(authorizations).isEmpty();
        } finally {
            context.logger().removeHandler(handler);
        }
    }
}
