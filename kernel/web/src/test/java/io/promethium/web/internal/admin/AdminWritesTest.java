package io.promethium.web.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.PluginFile;
import io.promethium.launcher.spi.PluginRefusedException;
import io.promethium.web.internal.server.ApiServer;
import io.promethium.web.internal.server.HttpServer;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/** Who may install code: the admin API flag, and authentication or loopback-only listeners. */
class AdminWritesTest {

    private static List<InetSocketAddress> listen(String... addresses) {
        return java.util.Arrays.stream(addresses).map(HttpServer::parseAddress).toList();
    }

    @Test
    void loopbackOnlyListenersOrAuthenticationAllowPluginActionsWithTheAdminApi() {
        assertThat(AdminWrites.decide(true, false, listen("127.0.0.1:9090")).allowed()).isTrue();
        assertThat(AdminWrites.decide(true, false, listen("localhost:9090", "[::1]:9091")).allowed()).isTrue();
        assertThat(AdminWrites.decide(true, true, listen("0.0.0.0:9090")).allowed()).isTrue();
    }

    @Test
    void eachMissingConditionIsNamed() {
        AdminWrites noFlag = AdminWrites.decide(false, true, listen("127.0.0.1:9090"));
        assertThat(noFlag.refusal()).contains("--web.enable-admin-api").doesNotContain("authentication");

        AdminWrites open = AdminWrites.decide(true, false, listen("127.0.0.1:9090", ":9091", "0.0.0.0:9092"));
        assertThat(open.allowed()).isFalse();
        assertThat(open.refusal()).contains("no authentication is configured").contains("basic_auth_users in --web.config.file")
                .contains(":9091, 0.0.0.0:9092").doesNotContain("127.0.0.1:9090,").doesNotContain("--web.enable-admin-api");

        assertThat(AdminWrites.decide(false, false, listen(":9090")).refusal())
                .contains("--web.enable-admin-api").contains("no authentication");
    }

    @Test
    void refusedActionsAnswer403WithTheReasonAndRefusedUploads400Or403() throws Exception {
        BundleContext noBundles = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        PluginDirectory refusing = new PluginDirectory() {
            @Override
            public Path directory() {
                return Path.of("plugins");
            }

            @Override
            public List<PluginFile> files() {
                return List.of();
            }

            @Override
            public PluginFile install(String fileName, InputStream content) throws PluginRefusedException {
                throw fileName.startsWith("unsigned")
                        ? new PluginRefusedException(PluginRefusedException.Reason.UNTRUSTED, "the jar is not signed")
                        : new PluginRefusedException(PluginRefusedException.Reason.INVALID, "zip END header not found");
            }

            @Override
            public long replaceBundle(long bundleId, Path jar) throws PluginRefusedException {
                throw new PluginRefusedException(PluginRefusedException.Reason.FAILED, "did not start");
            }

            @Override
            public boolean remove(String fileName) {
                return false;
            }

            @Override
            public void scan() {
            }
        };
        AdminWrites open = AdminWrites.decide(true, false, listen("0.0.0.0:9090"));
        try (ApiServer server = new ApiServer(w -> {
            w.register(new PluginAdminResource(noBundles, refusing, true, open));
        })) {
            for (HttpRequest.Builder action : List.of(
                    upload(server, "any.jar"),
                    HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins/7/start")).POST(HttpRequest.BodyPublishers.noBody()),
                    HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins/7/stop")).POST(HttpRequest.BodyPublishers.noBody()),
                    HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins/7")).PUT(HttpRequest.BodyPublishers.ofString("jar")),
                    HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins/7")).DELETE())) {
                HttpResponse<String> refused = server.send(action);
                assertThat(refused.statusCode()).isEqualTo(403);
                assertThat(refused.body()).contains("\"errorType\":\"forbidden\"").contains("no authentication is configured");
            }
        }
        AdminWrites loopback = AdminWrites.decide(true, false, listen("127.0.0.1:9090"));
        try (ApiServer server = new ApiServer(w -> {
            w.register(new PluginAdminResource(noBundles, refusing, true, loopback));
        })) {
            HttpResponse<String> unsigned = server.send(upload(server, "unsigned.jar"));
            assertThat(unsigned.statusCode()).isEqualTo(403);
            assertThat(unsigned.body()).contains("plugin unsigned.jar refused, nothing was changed: the jar is not signed");
            HttpResponse<String> corrupt = server.send(upload(server, "corrupt.jar"));
            assertThat(corrupt.statusCode()).isEqualTo(400);
            assertThat(corrupt.body()).contains("\"errorType\":\"bad_data\"").contains("zip END header not found");
        }
    }

    private static HttpRequest.Builder upload(ApiServer server, String file) {
        return HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins?file=" + file)).POST(HttpRequest.BodyPublishers.ofString("jar"));
    }
}
