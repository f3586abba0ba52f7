package io.promethium.web.internal.routes;

import io.promethium.api.web.HttpExchange;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** {@link HttpExchange} over the servlet request and response. */
final class ServletExchange implements HttpExchange {

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final String path;
    private final String prefix;
    private List<String[]> queryPairs;

    ServletExchange(HttpServletRequest request, HttpServletResponse response, String path, String prefix) {
        this.request = request;
        this.response = response;
        this.path = path;
        this.prefix = prefix;
    }

    static String decodedPath(HttpServletRequest request) {
        // Relative to the route prefix (the servlet context path), as the routes are mounted.
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        if (raw.isEmpty()) {
            raw = "/";
        }
        // Percent-decoding only: '+' is a literal in a path.
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String rawPath() {
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        return raw.isEmpty() ? "/" : raw;
    }

    @Override
    public String subPath() {
        return path.substring(prefix.length());
    }

    @Override
    public String query() {
        String q = request.getQueryString();
        return q == null ? "" : q;
    }

    @Override
    public List<String> queryParameters(String name) {
        if (queryPairs == null) {
            List<String[]> pairs = new ArrayList<>();
            for (String part : query().split("&")) {
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq);
                String value = eq < 0 ? "" : part.substring(eq + 1);
                pairs.add(new String[] {decode(key), decode(value)});
            }
            queryPairs = pairs;
        }
        List<String> values = new ArrayList<>();
        for (String[] pair : queryPairs) {
            if (pair[0].equals(name)) {
                values.add(pair[1]);
            }
        }
        return values;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    @Override
    public List<String> requestHeaders(String name) {
        var values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public long requestContentLength() {
        return request.getContentLengthLong();
    }

    @Override
    public InputStream requestBody() throws IOException {
        InputStream in = request.getInputStream();
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
            return new GZIPInputStream(in);
        }
        return in;
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr() + ":" + request.getRemotePort();
    }

    @Override
    public void status(int code) {
        response.setStatus(code);
    }

    @Override
    public void responseHeader(String name, String value) {
        response.addHeader(name, value);
    }

    @Override
    public OutputStream responseBody() throws IOException {
        return response.getOutputStream();
    }

    @Override
    public void respond(int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(code);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
