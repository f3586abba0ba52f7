package io.promethium.web.internal.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.metrics.HttpMetrics;
import io.promethium.web.internal.rules.RulesResource;
import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web bundle's endpoints answer as the JAX-RS resources they replaced did (compared with curl against that build). */
class RouterTest {

    private static final HttpMetrics METRICS = new HttpMetrics();
    private static ApiServer server;

    /** Endpoints exercising what {@link Router} does around a handler. */
    private static final Endpoints SAMPLE = (formLimit, agent) -> List.of(Router.under("/t").formLimit(1000).agent(agent)
            .get("/t/echo/{name}", call -> call.respond(200, "text/plain", call.segment("name") + " " + call.query().get("q")))
            .get("/t/size/{n}", call -> call.respond(200, "text/plain", "x".repeat(Integer.parseInt(call.segment("n")))))
            .post("/t/form", call -> call.respond(200, "text/plain", call.params().get("a")))
            .put("/t/form", call -> call.respond(200, "text/plain", "put"))
            .get("/t/fail", call -> {
                call.exchange().responseHeader("X-Half", "set");
                throw new ApiError(ApiError.Type.BAD_DATA, "no good");
            })
            .get("/t/crash", call -> {
                throw new IllegalStateException("boom");
            })
            .get("/t/rest/{path: .+}", call -> call.respond(200, "text/plain", call.segment("path")))
            .build());

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(METRICS, w -> w.register(SAMPLE));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResponse<String> send(String method, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void templatesMatchWithATrailingSlashAndDecodeTheirSegments() {
        assertThat(server.get("/t/echo/a%20b+c?q=x+y").body()).isEqualTo("a b+c x y");
        assertThat(server.get("/t/echo/a/").body()).isEqualTo("a ");
        assertThat(server.get("/t/rest/a/b%2Fc").statusCode()).isEqualTo(400); // an encoded slash is ambiguous: Jetty refuses it
        assertThat(server.get("/t/rest/a/b.css").body()).isEqualTo("a/b.css");
        assertThat(io.promethium.web.internal.api.FormValues.lenientQuery("q=%zz&a=%41&=x&b"))
                .as("a bad escape is kept as sent, as JAX-RS's UriInfo kept it")
                .isEqualTo(java.util.Map.of("q", List.of("%zz"), "a", List.of("A"), "b", List.of("")));
    }

    @Test
    void unknownPathsAndMethodsAnswerPlainTextCountedAsOther() throws InterruptedException {
        HttpResponse<String> missing = server.get("/t/echo/a/b");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("404 page not found\n");
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("text/plain");
        HttpResponse<String> method = send("DELETE", "/t/echo/a");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.body()).isEqualTo("Method Not Allowed\n");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (METRICS.count("other", 405) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(METRICS.count("other", 405)).isEqualTo(1);
        assertThat(METRICS.count("/t/echo/:name", 405)).isZero();
        HttpResponse<String> options = send("OPTIONS", "/t/echo/a");
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Allow")).hasValue("HEAD,GET,OPTIONS");
        assertThat(options.body()).isEqualTo("HEAD, GET, OPTIONS");
    }

    @Test
    void bodiesUpTo8KiBCarryTheirLengthLongerOnesAreChunkedAndHeadCountsTheWholeBody() {
        HttpResponse<String> small = server.get("/t/size/8192");
        assertThat(small.headers().firstValue("Content-Length")).hasValue("8192");
        HttpResponse<String> large = server.get("/t/size/8193");
        assertThat(large.headers().firstValue("Content-Length")).isEmpty();
        assertThat(large.body()).hasSize(8193);
        HttpResponse<String> head = send("HEAD", "/t/size/9000");
        assertThat(head.headers().firstValue("Content-Length")).hasValue("9000");
    }

    @Test
    void errorsAreTheApiJsonWithoutTheHeadersTheFailedHandlerSet() {
        HttpResponse<String> failed = server.get("/t/fail");
        assertThat(failed.statusCode()).isEqualTo(400);
        assertThat(failed.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"no good\"}");
        assertThat(failed.headers().firstValue("X-Half")).isEmpty();
        HttpResponse<String> crashed = server.get("/t/crash");
        assertThat(crashed.statusCode()).isEqualTo(500);
        assertThat(crashed.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"boom\"}");
    }

    @Test
    void formBodiesAreReadAndRefusedPastTheLimitOnEveryMethod() {
        assertThat(server.postForm("/t/form", "a=1%202").body()).isEqualTo("1 2");
        HttpResponse<String> big = server.postForm("/t/form", "a=" + "x".repeat(1000));
        assertThat(big.statusCode()).isEqualTo(400);
        assertThat(big.body()).contains("error parsing form values: http: POST too large");
        HttpResponse<String> put = server.send(HttpRequest.newBuilder(server.uri("/t/form"))
                .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString("a=" + "x".repeat(1000))));
        assertThat(put.statusCode()).as("as the JAX-RS filter, whatever the endpoint reads").isEqualTo(400);
    }

    @Test
    void agentModeRefusesWhatPrometheussAgentDisables() throws Exception {
        try (ApiServer agent = ApiServer.agent(w -> w.register(new RulesResource(() -> {
            throw new AssertionError("not reached");
        })))) {
            for (String path : List.of("/api/v1/rules", "/api/v1/alerts/")) {
                HttpResponse<String> r = agent.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(422);
                assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"unavailable with Prometheus Agent\"}");
            }
        }
    }
}
