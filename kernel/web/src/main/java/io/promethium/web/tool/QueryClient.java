package io.promethium.web.tool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API client of the {@code query} tools: a form POST to {@code /api/v1/...} (falling back
 * to GET on 405, as client_golang does), the envelope's {@code data} on success, and the error
 * promtool prints otherwise ({@code <errorType>: <error>}).
 */
final class QueryClient {

    private static final JsonFactory JSON = new JsonFactory();

    /** An answer of {@code status: error}, or an HTTP failure. */
    static final class ApiException extends Exception {
        ApiException(String message) {
            super(message);
        }
    }

    private final URI server;
    private final Map<String, String> headers;

    QueryClient(URI server, Map<String, String> headers) {
        this.server = server;
        this.headers = headers;
    }

    /** The parsed {@code data} and, separately, the raw JSON text of {@code data}. */
    record Answer(Object data, String rawData) {
    }

    Answer call(String path, List<Map.Entry<String, String>> params) throws ApiException, InterruptedException {
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> p : params) {
            if (!form.isEmpty()) {
                form.append('&');
            }
            form.append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        String base = server.toString().replaceAll("/+$", "");
        URI uri = URI.create(base + path);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build()) {
            HttpRequest.Builder post = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
            decorate(post, uri);
            HttpResponse<String> response = client.send(post.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 405) {
                HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(uri + "?" + form)).timeout(Duration.ofMinutes(2)).GET();
                decorate(get, uri);
                response = client.send(get.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            }
            return answer(response);
        } catch (IOException e) {
            throw new ApiException("Post \"" + redacted(uri) + "\": " + describe(e));
        }
    }

    private void decorate(HttpRequest.Builder request, URI uri) {
        basicAuth(uri).ifPresent(auth -> request.header("Authorization", auth));
        headers.forEach(request::header);
    }

    private static Answer answer(HttpResponse<String> response) throws ApiException, IOException {
        Object body;
        String rawData = null;
        try {
            body = read(response.body());
        } catch (IOException e) {
            if (response.statusCode() / 100 != 2) {
                throw new ApiException("server_error: server error: " + response.statusCode());
            }
            throw new ApiException("bad_response: readObjectStart: expect { or n, but found " + excerpt(response.body()));
        }
        if (!(body instanceof Map<?, ?> envelope)) {
            throw new ApiException("bad_response: the answer is not a JSON object");
        }
        if ("error".equals(envelope.get("status"))) {
            throw new ApiException(envelope.get("errorType") + ": " + envelope.get("error"));
        }
        if (response.statusCode() / 100 != 2) {
            throw new ApiException("server_error: server error: " + response.statusCode());
        }
        try (JsonParser p = JSON.createParser(response.body())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("data")) {
                    StringWriter w = new StringWriter();
                    try (JsonGenerator g = JSON.createGenerator(w)) {
                        copy(p, g);
                    }
                    rawData = w.toString();
                    break;
                }
                p.skipChildren();
            }
        }
        return new Answer(envelope.get("data"), rawData);
    }

    /**
     * Copies the current value of {@code p} to {@code g}, numbers as written (Jackson's own copy
     * would print a timestamp as {@code 1.7E9}).
     */
    static void copy(JsonParser p, JsonGenerator g) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    g.writeFieldName(p.currentName());
                    p.nextToken();
                    copy(p, g);
                }
                g.writeEndObject();
            }
            case START_ARRAY -> {
                g.writeStartArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copy(p, g);
                }
                g.writeEndArray();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
            default -> g.copyCurrentEvent(p);
        }
    }

    /** The JSON text as maps (in key order), lists, strings, numbers (as their text), booleans and null. */
    static Object read(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            return value(p);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("empty document");
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, value(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new java.math.BigDecimal(p.getText());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t);
        }
    }

    /** {@code Basic ...} from the user info of the URL, as Go's client sends it. */
    static Optional<String> basicAuth(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return Optional.empty();
        }
        String decoded = java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
    }

    /** The URL with its password replaced, as Go prints URLs in errors. */
    static String redacted(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || !userInfo.contains(":")) {
            return uri.toString();
        }
        return uri.toString().replace(userInfo + "@", userInfo.substring(0, userInfo.indexOf(':')) + ":xxxxx@");
    }

    static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connect: connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "context deadline exceeded";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String excerpt(String body) {
        return body.length() > 64 ? body.substring(0, 64) : body;
    }
}
