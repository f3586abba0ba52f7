package io.promethium.web.internal.server;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * With a route prefix, {@code /} redirects to it (as Prometheus's router does); every other path
 * outside the prefix is left to the prefixed context, which answers 404.
 */
final class PrefixRedirect extends Handler.Wrapper {

    private final String prefix;

    PrefixRedirect(String prefix, Handler next) {
        super(next);
        this.prefix = prefix;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if ("/".equals(request.getHttpURI().getPath())) {
            Response.sendRedirect(request, response, callback, HttpStatus.FOUND_302, prefix, false);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
