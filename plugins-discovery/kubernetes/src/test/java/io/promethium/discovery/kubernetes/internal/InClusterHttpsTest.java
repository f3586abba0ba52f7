package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FaultyProxy;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-cluster mode end to end: the API server from {@code KUBERNETES_SERVICE_HOST}/{@code _PORT},
 * reached over HTTPS and verified with the service account's {@code ca.crt}, every request
 * carrying the service account's token (re-read when rotated), namespace from its
 * {@code namespace} file. As in a cluster, the API server's certificate is not self-signed: a
 * private CA signed it (SAN {@code localhost} and {@code 127.0.0.1}), and {@code ca.crt} holds
 * only that CA. The API is fabric8's mock behind a TLS-terminating loopback front presenting
 * that certificate.
 */
class InClusterHttpsTest {

    @TempDir
    static Path certificates;
    private static TestCertificates clusterCa;
    private static Path otherCa;

    @TempDir
    Path dir;
    private KubernetesMockServer server;
    private NamespacedKubernetesClient client;
    private FaultyProxy front;
    private Path account;
    private final List<DiscoveryHarness> started = new ArrayList<>();
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void makeCertificates() throws Exception {
        clusterCa = TestCertificates.create(Files.createDirectories(certificates.resolve("cluster")));
        otherCa = TestCertificates.createCa(Files.createDirectories(certificates.resolve("other")), "Another Cluster CA");
    }

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        client.pods().inNamespace("other").resource(PodRoleTest.pod("other", "db-1", "10.1.2.9")).create();
        front = new FaultyProxy(server.url("/"), clusterCa.serverContext());
        account = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(account.resolve("token"), "first-token\n");
        Files.writeString(account.resolve("namespace"), "shop\n");
    }

    @AfterEach
    void stop() {
        for (DiscoveryHarness harness : started) {
            harness.close();
        }
        front.close();
        client.close();
        server.destroy();
    }

    /** The API at {@code host} (a name or address the certificate carries, as a cluster's service name would be). */
    private KubernetesDiscovererFactory inCluster(String host) {
        return new KubernetesDiscovererFactory(new InCluster(host, String.valueOf(front.port()), account.resolve("token"),
                account.resolve("ca.crt"), account.resolve("namespace")), Duration.ofSeconds(10), Duration.ofMillis(100));
    }

    private DiscoveryHarness run(KubernetesDiscovererFactory factory, TestPluginContext context, Map<String, Object> fields) throws Exception {
        DiscoveryHarness run = new DiscoveryHarness(context, Duration.ofSeconds(15));
        started.add(run);
        run.start(factory, "kubernetes_sd_configs", fields);
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
    void theServiceAccountReachesTheApiOverHttpsTrustingTheClusterCaWithItsTokenAndRotatedTokensAreUsed() throws Exception {
        Files.copy(clusterCa.caPem(), account.resolve("ca.crt"));
        KubernetesDiscovererFactory factory = inCluster("localhost");
        TestPluginContext context = new TestPluginContext(dir, "in-cluster", new HttpConfigClientFactory());
        DiscoveryHarness pods = run(factory, context, Map.of("role", "pod", "namespaces", Map.of("own_namespace", true)));

        Map<String, ?> groups = pods.await("the pod of the own namespace over HTTPS", s -> s.containsKey("pod/shop/web-1"));
        assertThat(groups).doesNotContainKey("pod/other/db-1");
        assertThat(pods.groups().get("pod/shop/web-1").targets()).isNotEmpty();
        awaitAuthorization("Bearer first-token");
        assertThat(context.metrics().value("prometheus_sd_kubernetes_failures_total")).isZero();

        // The kubelet rotates the projected token: the next request (here: a second job's list on the same connection) carries the new one.
        Files.writeString(account.resolve("token"), "rotated-token\n");
        Files.setLastModifiedTime(account.resolve("token"), FileTime.from(Instant.now().plusSeconds(5)));
        DiscoveryHarness services = run(factory, new TestPluginContext(dir, "in-cluster-2", new HttpConfigClientFactory()),
                Map.of("role", "service", "namespaces", Map.of("own_namespace", true)));
        MockApi.initial(services);
        awaitAuthorization("Bearer rotated-token");
        assertThat(factory.connections().openConnections()).isEqualTo(1);
    }

    @Test
    void aCaThatDidNotSignTheApiServersCertificateIsRefusedCountedAndReported() throws Exception {
        Files.copy(otherCa, account.resolve("ca.crt"));
        TestPluginContext context = new TestPluginContext(dir, "wrong-ca", new HttpConfigClientFactory());
        DiscoveryHarness run = run(inCluster("127.0.0.1"), context, Map.of("role", "pod"));
        run.awaitMetric("prometheus_sd_kubernetes_failures_total", 1);
        String warning = run.awaitWarning("listing or watching pod failed");
        assertThat(warning).containsAnyOf("PKIX", "certification path", "SSLHandshakeException");
        assertThat(run.groups()).isEmpty();
        assertThat(authorizations).isEmpty();
    }
}
