package io.promethium.web.internal.api;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every exception into a response, so a bad request never yields a stack trace: API
 * errors become Prometheus's error JSON, unknown paths a plain 404 as Prometheus's router gives,
 * anything unexpected a logged 500.
 */
public final class ApiErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof ApiError api) {
            return api.toResponse();
        }
        if (error instanceof NotFoundException) {
            return Response.status(404).type(MediaType.TEXT_PLAIN_TYPE).entity("404 page not found\n").build();
        }
        if (error instanceof NotAllowedException) {
            return Response.status(405).type(MediaType.TEXT_PLAIN_TYPE).entity("Method Not Allowed\n").build();
        }
        if (error instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            return new ApiError(ApiError.Type.BAD_DATA, String.valueOf(web.getMessage())).toResponse();
        }
        LOG.log(Level.WARNING, "unexpected error serving a request", error);
        return new ApiError(ApiError.Type.INTERNAL, String.valueOf(error.getMessage())).toResponse();
    }
}
