package io.promethium.web.internal.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Caps form bodies (the POST form of query, series, labels...) at 10 MiB, Go's limit for
 * {@code ParseForm}, answering as Prometheus does past it: {@code bad_data} "error parsing form
 * values: http: POST too large". A body without Content-Length is read up to the limit first.
 */
@PreMatching
public final class FormBodyLimitFilter implements ContainerRequestFilter {

    public static final long MAX_FORM_BYTES = 10L << 20;

    private final long limit;

    public FormBodyLimitFilter(long limit) {
        this.limit = limit;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        MediaType type = request.getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)) {
            return;
        }
        if (request.getLength() > limit) {
            // Read (and drop) what the client is sending before answering, within a bound: a
            // client still writing its body when the connection closes never sees the answer.
            BodyDrain.drain(request.getEntityStream(), Math.min(request.getLength(), limit + BodyDrain.BOUND));
            request.abortWith(tooLarge());
            return;
        }
        if (request.getLength() >= 0) {
            return;
        }
        InputStream in = request.getEntityStream();
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > limit) {
            request.abortWith(tooLarge());
            return;
        }
        request.setEntityStream(new ByteArrayInputStream(body));
    }

    private static jakarta.ws.rs.core.Response tooLarge() {
        return tooLargeError().toResponse();
    }

    /** Prometheus's answer to a form body over the limit. */
    public static ApiError tooLargeError() {
        return new ApiError(ApiError.Type.BAD_DATA, "error parsing form values: http: POST too large");
    }
}
