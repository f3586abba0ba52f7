package io.promethium.alertmanager.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A JAX-RS request seen as the route exchange {@link AlertmanagerV2} answers, and its answer
 * turned into a {@link Response}: the status, content type and body the route would have sent.
 * Only what the API reads is carried: method, query parameters, headers, body.
 */
final class ResourceExchange implements io.promethium.api.web.HttpExchange {

    private final ContainerRequestContext request;
    private int status = 200;
    private String contentType;
    private final List<String[]> headers = new ArrayList<>();
    private ByteArrayOutputStream body;

    ResourceExchange(ContainerRequestContext request) {
        this.request = request;
    }

    /** What the API answered. */
    Response response() {
        Response.ResponseBuilder out = Response.status(status);
        for (String[] h : headers) {
            out.header(h[0], h[1]);
        }
        if (contentType != null) {
            // The text as the route wrote it (a MediaType would be written back without the space before a charset).
            out.header("Content-Type", contentType);
        }
        // An empty body is still one: the route sent Content-Type and Content-Length 0.
        return out.entity(body == null ? new byte[0] : body.toByteArray()).build();
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return "/" + request.getUriInfo().getPath(true);
    }

    @Override
    public String rawPath() {
        return "/" + request.getUriInfo().getPath(false);
    }

    @Override
    public String subPath() {
        return path().substring("/api/v2".length());
    }

    @Override
    public String query() {
        String q = request.getUriInfo().getRequestUri().getRawQuery();
        return q == null ? "" : q;
    }

    @Override
    public List<String> queryParameters(String name) {
        List<String> values = request.getUriInfo().getQueryParameters(true).get(name);
        return values == null ? List.of() : values;
    }

    @Override
    public List<String> requestHeaders(String name) {
        List<String> values = request.getHeaders().get(name);
        return values == null ? List.of() : values;
    }

    @Override
    public List<String> requestHeaderNames() {
        return List.copyOf(request.getHeaders().keySet());
    }

    @Override
    public boolean secure() {
        return request.getSecurityContext().isSecure();
    }

    @Override
    public long requestContentLength() {
        return request.getLength();
    }

    @Override
    public InputStream requestBody() {
        return request.getEntityStream();
    }

    @Override
    public String remoteAddress() {
        return "";
    }

    @Override
    public void status(int code) {
        status = code;
    }

    @Override
    public void responseHeader(String name, String value) {
        if (name.equalsIgnoreCase("Content-Type")) {
            contentType = value;
        } else {
            headers.add(new String[] {name, value});
        }
    }

    @Override
    public OutputStream responseBody() {
        if (body == null) {
            body = new ByteArrayOutputStream();
        }
        return body;
    }

    @Override
    public void respond(int code, String type, String text) throws IOException {
        status(code);
        responseHeader("Content-Type", type);
        responseBody().write(text.getBytes(StandardCharsets.UTF_8));
    }
}
