package io.promethium.admin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.launcher.spi.PluginDirectory;
import io.promethium.launcher.spi.PluginFile;
import io.promethium.launcher.spi.LeakedThread;
import io.promethium.launcher.spi.PluginRefusedException;
import io.promethium.launcher.spi.PluginThreads;
import io.promethium.web.spi.AdminAccess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The admin resource run by Jersey itself (as the whiteboard runs it), without a server: status
 * codes, Prometheus's error JSON and the messages the web bundle's route answered.
 */
class PluginAdminResourceTest {

    /** A framework without bundles. */
    private static final BundleContext NO_BUNDLES = (BundleContext) Proxy.newProxyInstance(
            PluginAdminResourceTest.class.getClassLoader(), new Class<?>[] {BundleContext.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "getBundles" -> new Bundle[0];
                case "getBundle" -> null;
                default -> throw new UnsupportedOperationException(method.getName());
            });

    /** Refuses every jar, after reading it whole (so the upload limit applies): unsigned-* as untrusted, others as corrupt. */
    private static final PluginDirectory REFUSING = new PluginDirectory() {
        @Override
        public Path directory() {
            return Path.of("plugins");
        }

        @Override
        public List<PluginFile> files() {
            return List.of();
        }

        @Override
        public PluginFile install(String fileName, InputStream content) throws IOException {
            content.transferTo(OutputStream.nullOutputStream());
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

    private static AdminAccess access(boolean enabled, String refusal) {
        return new AdminAccess() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public String writesRefusal() {
                return refusal;
            }
        };
    }

    private record Answer(int status, String contentType, String body) {}

    private static final class Api {
        final ApplicationHandler handler;

        Api(AdminAccess access) {
            this(access, List::of);
        }

        Api(AdminAccess access, PluginThreads threads) {
            handler = new ApplicationHandler(new ResourceConfig()
                    .registerInstances(new PluginAdminResource(NO_BUNDLES, REFUSING, access, () -> null, threads, Set.of(0L)), new PlainErrors())
                    .property(ServerProperties.WADL_FEATURE_DISABLE, true));
        }

        Answer send(String method, String pathAndQuery, String contentType, InputStream body) throws Exception {
            ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost" + pathAndQuery),
                    method, null, new MapPropertiesDelegate(), handler.getConfiguration());
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (body != null) {
                request.setEntityStream(body);
            }
            ContainerResponse response = handler.apply(request).get();
            Object entity = response.getEntity();
            String text = entity instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : entity == null ? "" : String.valueOf(entity);
            return new Answer(response.getStatus(), String.valueOf(response.getMediaType()), text);
        }

        Answer send(String method, String pathAndQuery) throws Exception {
            return send(method, pathAndQuery, null, null);
        }
    }

    private static InputStream jar() {
        return new ByteArrayInputStream("jar".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusedActionsAnswer403WithTheReasonAndRefusedUploads400Or403() throws Exception {
        Api open = new Api(access(true, "installing and managing plugins is refused: no authentication is configured"));
        for (String[] action : List.of(new String[] {"POST", "/api/v1/admin/plugins?file=any.jar"},
                new String[] {"POST", "/api/v1/admin/plugins/7/start"}, new String[] {"POST", "/api/v1/admin/plugins/7/stop"},
                new String[] {"PUT", "/api/v1/admin/plugins/7"}, new String[] {"DELETE", "/api/v1/admin/plugins/7"})) {
            Answer refused = open.send(action[0], action[1], "application/octet-stream", jar());
            assertThat(refused.status()).as(action[0] + " " + action[1]).isEqualTo(403);
            assertThat(refused.contentType()).isEqualTo("application/json");
            assertThat(refused.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"forbidden\","
                    + "\"error\":\"installing and managing plugins is refused: no authentication is configured\"}");
        }
        Api loopback = new Api(access(true, ""));
        Answer unsigned = loopback.send("POST", "/api/v1/admin/plugins?file=unsigned.jar", "application/octet-stream", jar());
        assertThat(unsigned.status()).isEqualTo(403);
        assertThat(unsigned.body()).contains("plugin unsigned.jar refused, nothing was changed: the jar is not signed");
        Answer corrupt = loopback.send("POST", "/api/v1/admin/plugins?file=corrupt.jar", "application/octet-stream", jar());
        assertThat(corrupt.status()).isEqualTo(400);
        assertThat(corrupt.body()).contains("\"errorType\":\"bad_data\"").contains("zip END header not found");
        Answer unnamed = loopback.send("POST", "/api/v1/admin/plugins", "application/octet-stream", jar());
        assertThat(unnamed.status()).isEqualTo(400);
        assertThat(unnamed.body()).contains("missing query parameter \\\"file\\\"");
    }

    @Test
    void withoutTheAdminFlagListingAnswersUnavailable() throws Exception {
        Answer list = new Api(access(false, "the server runs without --web.enable-admin-api")).send("GET", "/api/v1/admin/plugins");
        assertThat(list.status()).isEqualTo(503);
        assertThat(list.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}");
    }

    @Test
    void listingAnEmptyFrameworkIsAnEmptySuccess() throws Exception {
        Api api = new Api(access(true, ""));
        for (String path : List.of("/api/v1/admin/plugins", "/api/v1/admin/plugins/")) {
            Answer list = api.send("GET", path);
            assertThat(list.status()).as(path).isEqualTo(200);
            assertThat(list.body()).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        }
    }

    @Test
    void threadsARemovedPluginLeftRunningAreListedInARowOfTheirOwnWithCountAndNames() throws Exception {
        Instant stopped = Instant.parse("2026-01-02T03:04:05Z");
        Api api = new Api(access(true, ""), () -> List.of(
                new LeakedThread("com.example.leaky", "1.0.0", 42, "leaky-poller", "java.base/java.lang.Thread.sleep0(Native Method)", stopped),
                new LeakedThread("com.example.leaky", "1.0.0", 42, "leaky-timer", "", stopped)));
        Answer list = api.send("GET", "/api/v1/admin/plugins");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("{\"status\":\"success\",\"data\":[{\"id\":-1,\"symbolicName\":\"com.example.leaky\","
                + "\"version\":\"1.0.0\",\"state\":\"UNINSTALLED\",\"plugin\":true,\"leakedThreadCount\":2,\"leakedThreads\":["
                + "{\"name\":\"leaky-poller\",\"version\":\"1.0.0\",\"bundleId\":42,\"topFrame\":\"java.base/java.lang.Thread.sleep0(Native Method)\","
                + "\"stoppedAt\":\"2026-01-02T03:04:05Z\"},"
                + "{\"name\":\"leaky-timer\",\"version\":\"1.0.0\",\"bundleId\":42,\"topFrame\":\"\",\"stoppedAt\":\"2026-01-02T03:04:05Z\"}],"
                + "\"lastError\":\"2 thread(s) left running after it stopped, ignoring interrupts: leaky-poller (1.0.0), leaky-timer (1.0.0)\"}]}");
    }

    @Test
    void anUnknownBundleIs404AndAnIdThatIsNoNumber400AsJaxRsConversionAnswered() throws Exception {
        Api api = new Api(access(true, ""));
        Answer unknown = api.send("GET", "/api/v1/admin/plugins/99999");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"not_found\",\"error\":\"no bundle with id 99999\"}");
        Answer word = api.send("POST", "/api/v1/admin/plugins/abc/start");
        assertThat(word.status()).isEqualTo(400);
        assertThat(word.body()).contains("\"error\":\"HTTP 404 Not Found\"");
        assertThat(api.send("POST", "/api/v1/admin/plugins/0/stop").body()).contains("no bundle with id 0");
    }

    @Test
    void aFormEncodedUploadOverGosFormLimitIsRefusedAsTheRoutesRefuseIt() throws Exception {
        Api api = new Api(access(true, ""));
        // Length unknown to the resource (no Content-Length header): read up to the limit, then refused.
        Answer tooLarge = api.send("POST", "/api/v1/admin/plugins?file=big.jar", "application/x-www-form-urlencoded",
                new ByteArrayInputStream(new byte[(10 << 20) + 1]));
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.body()).contains("error parsing form values: http: POST too large");
    }

    @Test
    void anUploadOver64MiBIsRefusedBeforeItIsStored() throws Exception {
        Api api = new Api(access(true, ""));
        InputStream huge = new InputStream() {
            long left = (64L << 20) + 1;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                left -= n;
                return n;
            }
        };
        Answer refused = api.send("POST", "/api/v1/admin/plugins?file=big.jar", "application/java-archive", huge);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("upload larger than 64 MiB");
    }

    @Test
    void pathsAndMethodsNoneServesAnswerAsTheRoutesDidInPlainText() throws Exception {
        Api api = new Api(access(true, ""));
        for (String path : List.of("/api/v1/admin/plugins/1/x", "/api/v1/admin/plugins/5/start/x")) {
            Answer missing = api.send("GET", path);
            assertThat(missing.status()).as(path).isEqualTo(404);
            assertThat(missing.contentType()).isEqualTo("text/plain");
            assertThat(missing.body()).isEqualTo("404 page not found\n");
        }
        Answer patch = api.send("PATCH", "/api/v1/admin/plugins");
        assertThat(patch.status()).isEqualTo(405);
        assertThat(patch.body()).isEqualTo("Method Not Allowed\n");
    }

    @Test
    void otherResourcesAnswersAreLeftAlone() {
        assertThat(PlainErrors.below("api/v1/admin/plugins")).isTrue();
        assertThat(PlainErrors.below("/api/v1/admin/plugins/3/x")).isTrue();
        assertThat(PlainErrors.below("api/v1/admin/pluginsx")).isFalse();
        assertThat(PlainErrors.below("hello")).isFalse();
    }
}
