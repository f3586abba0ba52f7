package io.promethium.api.testing;

import io.promethium.api.http.ConfiguredHttpClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** The JDK client without credentials, for tests against loopback servers: the api has no implementation of its own. */
public final class PlainHttpClient implements ConfiguredHttpClient {
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        return http.send(request, handler);
    }

    @Override
    public String authorization() {
        return null;
    }

    @Override
    public List<String> headers() {
        return List.of();
    }

    @Override
    public HttpClient transport() {
        return http;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
