package io.promethium.config.http;

import io.promethium.api.http.ConfiguredHttpClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Objects;

/** The kernel's {@link ConfiguredHttpClient}: a JDK transport plus {@link Credentials}. */
final class ConfiguredClient implements ConfiguredHttpClient {

    private final HttpClient transport;
    private final Credentials credentials;

    ConfiguredClient(HttpClient transport, Credentials credentials) {
        this.transport = Objects.requireNonNull(transport, "transport is null");
        this.credentials = Objects.requireNonNull(credentials, "credentials is null");
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        return transport.send(prepare(request), handler);
    }

    HttpRequest prepare(HttpRequest request) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"));
        List<String> headers = credentials.headers();
        for (int i = 0; i < headers.size(); i += 2) {
            if (request.headers().firstValue(headers.get(i)).isEmpty()) {
                builder.header(headers.get(i), headers.get(i + 1));
            }
        }
        String authorization = credentials.authorization();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        } else {
            request.headers().firstValue("Authorization").ifPresent(value -> builder.header("Authorization", value));
        }
        if ("http".equalsIgnoreCase(request.uri().getScheme()) && request.version().isEmpty()) {
            // No h2c upgrade on plain HTTP (Go's client never tries one).
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        return builder.build();
    }

    @Override
    public String authorization() throws IOException {
        return credentials.authorization();
    }

    @Override
    public List<String> headers() throws IOException {
        return List.copyOf(credentials.headers());
    }

    @Override
    public HttpClient transport() {
        return transport;
    }

    @Override
    public void close() {
        credentials.close();
        transport.shutdownNow();
    }
}
