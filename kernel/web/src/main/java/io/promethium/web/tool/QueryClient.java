package io.promethium.web.tool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.promethium.goformat.GoNetErrors;
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

    /**
     * An answer of {@code status: error}, an HTTP error status or a failed request, worded as
     * client_golang's {@code v1.Error} ({@code <errorType>: <error>}) or Go's {@code *url.Error};
     * {@link #detail()} is the body of an HTTP error that is no API error ({@code v1.Error.Detail}).
     */
    static final class ApiException extends Exception {
        private final String detail;

        ApiException(String message) {
            this(message, "");
        }

        ApiException(String message, String detail) {
            super(message);
            this.detail = detail;
        }

        String detail() {
            return detail;
        }

        /** As promtool's {@code handleAPIError} prints it after {@code query error: }: the detail trimmed, when there is one. */
        String withDetail() {
            return detail.isEmpty() ? getMessage() : getMessage() + " (detail: " + detail.strip() + ")";
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
        // promtool gives each call a 2-minute context: connecting included.
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMinutes(2)).build()) {
            HttpRequest.Builder post = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
            decorate(post, uri);
            HttpResponse<String> response;
            try {
                // The JDK's client tells only that an address did not resolve (and its negative
                // cache forgets why): looking the host up first keeps the resolver's reason.
                java.net.InetAddress.getByName(uri.getHost());
                response = client.send(post.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ApiException(GoNetErrors.urlError("Post", uri, e));
            }
            int code = response.statusCode();
            // client_golang's DoGetFallback: a server that refuses the POST is asked by GET.
            if (code == 403 || code == 405 || code == 501) {
                URI get = URI.create(uri + "?" + form);
                HttpRequest.Builder request = HttpRequest.newBuilder(get).timeout(Duration.ofMinutes(2)).GET();
                decorate(request, uri);
                try {
                    response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new ApiException(GoNetErrors.urlError("Get", get, e));
                }
            }
            return answer(response);
        }
    }

    /**
     * A GET with the parameters in the URL, as client_golang asks for label values: encoded as
     * Go's {@code url.Values.Encode} (sorted by name, {@code url.QueryEscape}), so that an error
     * names the URL promtool's would.
     */
    Answer get(String path, List<Map.Entry<String, String>> params) throws ApiException, InterruptedException {
        List<Map.Entry<String, String>> sorted = new ArrayList<>(params);
        sorted.sort(Map.Entry.comparingByKey());
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> p : sorted) {
            if (!query.isEmpty()) {
                query.append('&');
            }
            query.append(queryEscape(p.getKey())).append('=').append(queryEscape(p.getValue()));
        }
        String base = server.toString().replaceAll("/+$", "");
        URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMinutes(2)).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET();
            decorate(request, uri);
            try {
                java.net.InetAddress.getByName(uri.getHost()); // the resolver's reason, as in post
                return answer(client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new ApiException(GoNetErrors.urlError("Get", uri, e));
            }
        }
    }

    /** Go's {@code url.QueryEscape}: {@code ~} kept, {@code *} escaped, a space as {@code +}. */
    static String queryEscape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    private void decorate(HttpRequest.Builder request, URI uri) {
        basicAuth(uri).ifPresent(auth -> request.header("Authorization", auth));
        headers.forEach(request::header);
    }

    /**
     * The answer as client_golang's {@code apiClientImpl.Do} reads it: a status other than 2xx,
     * 400 and 422 is an HTTP error whatever the body says ({@code server_error: server error: 500},
     * the body as detail); 400 and 422 carry the API's {@code errorType} and {@code error}; a 2xx
     * body that is no JSON is a {@code bad_response}.
     */
    private static Answer answer(HttpResponse<String> response) throws ApiException {
        int code = response.statusCode();
        String text = response.body();
        if (code / 100 != 2) {
            if (code != 400 && code != 422) {
                throw httpError(code, text);
            }
            Object parsed;
            try {
                parsed = read(text);
            } catch (IOException e) {
                throw httpError(code, text);
            }
            if (parsed != null && !(parsed instanceof Map<?, ?>)) {
                throw httpError(code, text);
            }
            Map<?, ?> envelope = parsed == null ? Map.of() : (Map<?, ?>) parsed;
            if ("success".equals(envelope.get("status"))) {
                throw new ApiException("bad_response: inconsistent body for response code");
            }
            String type = envelope.get("errorType") == null ? "" : String.valueOf(envelope.get("errorType"));
            String error = envelope.get("error") == null ? "" : String.valueOf(envelope.get("error"));
            throw new ApiException((type.isEmpty() ? "client_error" : type) + ": " + (error.isEmpty() ? "client error: " + code : error));
        }
        String syntax = GoJsonScanner.syntaxError(text);
        if (syntax != null) {
            throw new ApiException("bad_response: " + syntax);
        }
        Object body;
        try {
            body = read(text);
        } catch (IOException e) {
            throw new ApiException("bad_response: " + jsonError(text, e));
        }
        if (!(body instanceof Map<?, ?> envelope)) {
            throw new ApiException("bad_response: json: cannot unmarshal " + jsonKind(body) + " into Go value of type v1.apiResponse");
        }
        if ("error".equals(envelope.get("status"))) {
            throw new ApiException(envelope.get("errorType") + ": " + envelope.get("error"));
        }
        String rawData = null;
        try {
            rawData = rawData(text);
        } catch (IOException e) {
            throw new ApiException("bad_response: " + jsonError(text, e));
        }
        return new Answer(envelope.get("data"), rawData);
    }

    /** client_golang's {@code errorTypeAndMsgFor}, with the body as detail. */
    private static ApiException httpError(int code, String body) {
        return new ApiException(GoNetErrors.apiStatusError(code), body);
    }

    /**
     * Go's {@code encoding/json} error for a body that does not parse, in its common cases (no
     * body, a body that is no JSON at all such as an HTML page, a body cut short); otherwise the
     * parser's own message.
     */
    static String jsonError(String text, IOException e) {
        int i = 0;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r' || text.charAt(i) == '\n')) {
            i++;
        }
        if (i == text.length() || e instanceof com.fasterxml.jackson.core.io.JsonEOFException) {
            return "unexpected end of JSON input";
        }
        char c = text.charAt(i);
        if ("{[\"-0123456789tfn".indexOf(c) < 0) {
            return "invalid character " + quoteChar(text.substring(i)) + " looking for beginning of value";
        }
        String message = e.getMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        return message == null ? e.toString() : newline < 0 ? message : message.substring(0, newline);
    }

    /** encoding/json's {@code quoteChar} of the first byte of {@code rest}. */
    private static String quoteChar(String rest) {
        int b = rest.getBytes(StandardCharsets.UTF_8)[0] & 0xff;
        if (b == '\'') {
            return "'\\''";
        }
        if (b == '"') {
            return "'\"'";
        }
        String quoted = io.promethium.goformat.GoStrings.quote(String.valueOf((char) b));
        return "'" + quoted.substring(1, quoted.length() - 1) + "'";
    }

    private static String jsonKind(Object value) {
        if (value instanceof List<?>) {
            return "array";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        return value == null ? "null" : "number";
    }

    /** The raw JSON text of the envelope's {@code data}, numbers as written. */
    private static String rawData(String text) throws IOException {
        String rawData = null;
        try (JsonParser p = JSON.createParser(text)) {
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
        return rawData;
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
}
