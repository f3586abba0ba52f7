package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * How a failed list is described in the job's warning, and which descriptions are one failure
 * (warned once): an answer cut short names the API's address and path and why, whatever the
 * bytes received; a body that is not JSON (cut where nothing told its length) likewise.
 */
class FailureDescriptionsTest {

    @Test
    void aListBodyCutWhereNothingToldItsLengthNamesTheApiPathAndParseError() {
        Exception parse = null;
        try {
            new ObjectMapper().readTree("{\"kind\":\"PodList\",\"items\":[{\"metadata\":");
        } catch (Exception e) {
            parse = e;
        }
        // As fabric8's OperationSupport.requestException says it, within the list's future.
        Throwable failure = new CompletionException(new KubernetesClientException(
                "Error executing: GET at: https://k8s:6443/api/v1/namespaces/shop/pods?limit=500. Cause: " + parse.getMessage(), parse));
        String described = Connections.Shared.describe(failure);
        assertThat(described).startsWith("unreadable answer from https://k8s:6443/api/v1/namespaces/shop/pods (")
                .contains("JsonEOFException").doesNotContain("limit=500").doesNotContain("\n");
        assertThat(Connections.Shared.sameFailure(described,
                "unreadable answer from https://k8s:6443/api/v1/namespaces/shop/pods (JsonParseException: Unexpected character)"))
                .as("the same endpoint's unreadable answers are one failure").isTrue();
        assertThat(Connections.Shared.sameFailure(described,
                "unreadable answer from https://k8s:6443/api/v1/namespaces/books/pods (JsonEOFException: x)")).isFalse();
    }

    @Test
    void anIncompleteAnswerIsOneFailureWhateverTheBytesReceived() {
        URI uri = URI.create("http://127.0.0.1:8001/api/v1/pods?resourceVersion=0");
        String first = Connections.Shared.describe(new CompletionException(
                new Transport.IncompleteAnswer(uri, "its body broke off after 40 bytes: IOException: EOF reached while reading", null)));
        String second = Connections.Shared.describe(new Transport.IncompleteAnswer(uri, "its body broke off after 4096 bytes", null));
        assertThat(first).isEqualTo("incomplete answer from http://127.0.0.1:8001/api/v1/pods"
                + " (its body broke off after 40 bytes: IOException: EOF reached while reading)");
        assertThat(Connections.Shared.sameFailure(first, second)).isTrue();
        assertThat(Connections.Shared.sameFailure(first, "HTTP 500: boom")).isFalse();
    }

    @Test
    void aConnectionClosedBeforeTheAnswerNamesTheApiPathAndIsOneFailure() {
        // As fabric8 wraps the JDK client's failure when an HTTP/2 GOAWAY closes the connection before the head.
        Throwable failure = new CompletionException(new KubernetesClientException(
                "Error executing: GET at: http://127.0.0.1:8001/api/v1/pods?limit=500. Cause: null",
                new java.io.IOException(new java.nio.channels.ClosedChannelException())));
        String described = Connections.Shared.describe(failure);
        assertThat(described).isEqualTo("connection closed before an answer from http://127.0.0.1:8001/api/v1/pods (ClosedChannelException)");
        assertThat(Connections.Shared.sameFailure(described, Connections.Shared.describe(
                new java.io.IOException("EOF reached while reading")))).as("another endpoint's, or an unnamed one").isFalse();
        assertThat(Connections.Shared.describe(new java.io.EOFException()))
                .isEqualTo("connection closed before an answer from the API server (EOFException)");
        assertThat(Connections.Shared.describe(new CompletionException(new KubernetesClientException(
                "Error executing: GET at: http://127.0.0.1:8001/api/v1/pods?limit=500. Cause: Broken pipe",
                new java.io.IOException("Broken pipe")))))
                .as("a write on the closed connection").isEqualTo(
                        "connection closed before an answer from http://127.0.0.1:8001/api/v1/pods (IOException: Broken pipe)");
    }
}
