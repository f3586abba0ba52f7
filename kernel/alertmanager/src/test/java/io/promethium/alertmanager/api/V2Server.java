package io.promethium.alertmanager.api;

import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.testing.RoutesServer;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.spi.ContainerResponseWriter;

/**
 * The whole {@code /api/v2} on a loopback port as the server mounts it: {@link AlertmanagerApi}'s
 * route and {@link AlertmanagerResource} (with {@link V2Errors}) run by Jersey's
 * {@link ApplicationHandler}. The resource's part stands in for promethium-rest's container
 * (kernel/rest's {@code RoutesContainer}, internal to that bundle): a request becomes a Jersey
 * {@code ContainerRequest} and its response is written into the route exchange, as there; the
 * real container is exercised on the tarball by the distribution ITs.
 */
public final class V2Server {

    private V2Server() {
    }

    public static RoutesServer start(Supplier<AlertmanagerRuntime> runtime) throws IOException {
        return start(new AlertmanagerV2(runtime));
    }

    public static RoutesServer start(AlertmanagerV2 api) throws IOException {
        return new RoutesServer(new AlertmanagerApi(api), new JerseyRoutes(api));
    }

    /** The resource served below {@code /api/v2} through Jersey. */
    static final class JerseyRoutes implements HttpRoutes {
        private final ApplicationHandler handler;

        JerseyRoutes(AlertmanagerV2 api) {
            ResourceConfig config = new ResourceConfig().registerInstances(new AlertmanagerResource(api), new V2Errors());
            config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
            handler = new ApplicationHandler(config);
        }

        @Override
        public String pathPrefix() {
            return "/api/v2";
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            String query = exchange.query();
            URI base = URI.create("http://localhost/");
            URI uri = URI.create("http://localhost" + exchange.rawPath() + (query.isEmpty() ? "" : "?" + query));
            ContainerRequest request = new ContainerRequest(base, uri, exchange.method(), new Insecure(), new MapPropertiesDelegate(),
                    handler.getConfiguration());
            for (String name : exchange.requestHeaderNames()) {
                request.headers(name, exchange.requestHeaders(name));
            }
            request.setEntityStream(exchange.requestBody());
            request.setWriter(new Writer(exchange));
            handler.handle(request);
        }
    }

    /** Loopback HTTP, no principal: what promethium-rest's security context says of such a request. */
    private static final class Insecure implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return null;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getAuthenticationScheme() {
            return null;
        }
    }

    private record Writer(HttpExchange exchange) implements ContainerResponseWriter {
        @Override
        public OutputStream writeResponseStatusAndHeaders(long contentLength, ContainerResponse response) {
            exchange.status(response.getStatus());
            for (Map.Entry<String, List<String>> header : response.getStringHeaders().entrySet()) {
                for (String value : header.getValue()) {
                    exchange.responseHeader(header.getKey(), value);
                }
            }
            try {
                return exchange.responseBody();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean suspend(long timeOut, TimeUnit timeUnit, TimeoutHandler timeoutHandler) {
            return false;
        }

        @Override
        public void setSuspendTimeout(long timeOut, TimeUnit timeUnit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void commit() {
        }

        @Override
        public void failure(Throwable error) {
            throw error instanceof RuntimeException e ? e : new IllegalStateException(error);
        }

        @Override
        public boolean enableResponseBuffering() {
            return false;
        }
    }
}
