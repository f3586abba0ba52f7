package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.launcher.spi.Lifecycle;
import io.promethium.web.internal.lifecycle.HealthRoutes;
import io.promethium.web.internal.lifecycle.LifecycleResource;
import io.promethium.web.internal.metrics.HttpMetrics;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Readiness, health and the lifecycle endpoints, answered as Prometheus answers them. */
class LifecycleEndpointsTest {

    private static final class FakeLifecycle implements Lifecycle {
        final AtomicBoolean ready = new AtomicBoolean();

        @Override
        public String reload() {
            return "";
        }

        @Override
        public void shutdown() {
        }

        @Override
        public boolean ready() {
            return ready.get();
        }

        @Override
        public void listening(String address) {
        }
    }

    @Test
    void readyAndHealthyFollowTheLifecycleAndReloadNeedsTheFlag() throws Exception {
        FakeLifecycle lifecycle = new FakeLifecycle();
        HttpMetrics metrics = new HttpMetrics();
        try (ApiServer server = new ApiServer(metrics, w -> {
            HealthRoutes.of(lifecycle).forEach(w::register);
            w.register(new LifecycleResource(lifecycle, false));
        })) {
            HttpResponse<String> notReady = server.get("/-/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("Service Unavailable\n");
            assertThat(server.get("/-/healthy").body()).isEqualTo("Promethium Server is Healthy.\n");

            lifecycle.ready.set(true);
            HttpResponse<String> ready = server.get("/-/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("Promethium Server is Ready.\n");
            assertThat(ready.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8"); // as Prometheus writes it
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/-/ready")).method("HEAD", HttpRequest.BodyPublishers.noBody()))
                    .statusCode()).isEqualTo(200);
            assertThat(server.send(HttpRequest.newBuilder(server.uri("/-/ready")).POST(HttpRequest.BodyPublishers.noBody()))
                    .statusCode()).isEqualTo(405);
            HttpResponse<String> reload = server.send(HttpRequest.newBuilder(server.uri("/-/reload")).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(reload.statusCode()).isEqualTo(403);
            assertThat(reload.body()).isEqualTo("Lifecycle API is not enabled.\n");
            assertThat(reload.headers().firstValue("Content-Type")).hasValue("text/plain;charset=utf-8");
            HttpResponse<String> get = server.get("/-/reload");
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.body()).isEqualTo("Method Not Allowed\n");
            HttpResponse<String> options = server.send(HttpRequest.newBuilder(server.uri("/-/quit")).method("OPTIONS",
                    HttpRequest.BodyPublishers.noBody()));
            assertThat(options.statusCode()).isEqualTo(200);
            assertThat(options.headers().firstValue("Allow")).hasValue("POST,OPTIONS,PUT");
            assertThat(options.body()).isEqualTo("POST, OPTIONS, PUT");
        }
    }
}
