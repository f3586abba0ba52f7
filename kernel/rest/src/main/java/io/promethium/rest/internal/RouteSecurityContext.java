package io.promethium.rest.internal;

import io.promethium.api.web.HttpExchange;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * What a resource can know of the request's security: whether it came over TLS. Authentication
 * happened before the route was called (the web bundle's {@code --web.config.file}), which does not
 * hand on a principal or roles.
 */
record RouteSecurityContext(boolean secure) implements SecurityContext {

    RouteSecurityContext(HttpExchange exchange) {
        this(exchange.secure());
    }

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
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return null;
    }
}
