package io.promethium.web.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.launcher.spi.Lifecycle;
import io.promethium.web.internal.lifecycle.HealthRoutes;
import io.promethium.web.internal.lifecycle.LifecycleResource;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.metrics.MetricsResource;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Readiness and health are served without Jersey, which is initialised after the start or by the first request needing it. */
class DeferredApplicationTest {

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
    void readyAndHealthyAnswerWithoutInitialisingTheJaxRsApplication() throws Exception {
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
            assertThat(server.applicationInitialized()).as("readiness never starts Jersey").isFalse();

            // The first request for a JAX-RS resource initialises the application and is answered as before.
            HttpResponse<String> reload = server.send(HttpRequest.newBuilder(server.uri("/-/reload")).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(reload.statusCode()).isEqualTo(403);
            assertThat(reload.body()).isEqualTo("Lifecycle API is not enabled.\n");
            assertThat(server.applicationInitialized()).isTrue();
        }
    }

    @Test
    void requestsArrivingWhileTheApplicationInitialisesWaitForItAndAreAnswered() throws Exception {
        HttpMetrics metrics = new HttpMetrics();
        try (ApiServer server = new ApiServer(metrics, w -> w.register(new MetricsResource(() -> List.of(metrics))))) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> server.get("/metrics")));
            }
            server.initApplication();
            assertThat(server.applicationInitialized()).isTrue();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            }
            server.initApplication(); // a second call does nothing
            assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
        }
    }
}
