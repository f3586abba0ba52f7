package io.promethium.remote.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Storage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What the receivers answer around their one POST path, as the web bundle answered when it served them. */
class ReceiverRoutesTest {

    private static final Supplier<Storage> NO_STORAGE = () -> {
        throw new Routes.Unavailable("storage");
    };

    /** A valid one-sample write request. */
    private static HttpResponse<String> postWrite(ReceiverServer server, String path) {
        byte[] raw = RemoteEndpointsTest.writeRequest(java.util.List.of(Labels.of("__name__", "x")), new double[][] {{1000, 1}});
        byte[] body = io.promethium.remote.wire.Snappy.encode(raw, raw.length);
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<String> post(ReceiverServer server, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])));
    }

    @Test
    void onlyTheEndpointsOwnPathIsServedAndOnlyByPost() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> {
            w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadReceiver(w.server().storage, () -> Labels.EMPTY, 1 << 20, RemoteReadLimits.DEFAULT));
        })) {
            assertThat(postWrite(server, "/api/v1/write/").statusCode()).as("a trailing slash").isEqualTo(204);
            HttpResponse<String> below = post(server, "/api/v1/write/x");
            assertThat(below.statusCode()).isEqualTo(404);
            assertThat(below.body()).isEqualTo("404 page not found\n");
            HttpResponse<String> get = server.send(HttpRequest.newBuilder(server.uri("/api/v1/read")).GET());
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.body()).isEqualTo("Method Not Allowed\n");
            HttpResponse<String> options = server.send(HttpRequest.newBuilder(server.uri("/api/v1/write"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(options.statusCode()).isEqualTo(200);
            assertThat(options.headers().firstValue("Allow")).hasValue("POST,OPTIONS");
        }
    }

    @Test
    void withoutAStorageBothAnswer503Unavailable() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> {
            w.register(new RemoteWriteReceiver(NO_STORAGE, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadReceiver(NO_STORAGE, () -> Labels.EMPTY, 1 << 20, RemoteReadLimits.DEFAULT));
        })) {
            HttpResponse<String> w = postWrite(server, "/api/v1/write");
            assertThat(w.statusCode()).isEqualTo(503);
            assertThat(w.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"storage is not available\"}");
        }
    }

    /** A storage stopped under a bound receiver (a plugin swap) throws CLOSED: the sender is told to come back, as when none is there. */
    @Test
    void aStorageClosedUnderTheReceiversAnswers503Unavailable() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> {
            w.register(new RemoteWriteReceiver(w.server().storage, true, 1 << 20, 4 << 20));
            w.register(new RemoteReadReceiver(w.server().storage, () -> Labels.EMPTY, 1 << 20, RemoteReadLimits.DEFAULT));
        })) {
            server.tsdb.close();
            HttpResponse<String> w = postWrite(server, "/api/v1/write");
            assertThat(w.statusCode()).as(w.body()).isEqualTo(503);
            assertThat(w.body()).startsWith("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB ")
                    .endsWith(" is closed\"}");
            byte[] read = RemoteEndpointsTest.readRequest("x", 0, 2000);
            HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/api/v1/read"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(io.promethium.remote.wire.Snappy.encode(read, read.length))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        }
    }

    @Test
    void inAgentModeRemoteReadAnswers422AsPrometheusAgent() throws Exception {
        try (ReceiverServer server = new ReceiverServer(w -> w.register(
                new RemoteReadReceiver(w.server().storage, () -> Labels.EMPTY, 1 << 20, RemoteReadLimits.DEFAULT, true)))) {
            HttpResponse<String> r = post(server, "/api/v1/read");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"unavailable with Prometheus Agent\"}");
        }
    }
}
