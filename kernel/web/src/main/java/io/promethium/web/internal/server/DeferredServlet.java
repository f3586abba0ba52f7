package io.promethium.web.internal.server;

import jakarta.servlet.GenericServlet;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * A servlet whose own initialisation is taken out of the server's start: Jersey's (HK2's service
 * locator, the resource model, the providers) was the longest part of the web bundle's start, and
 * nothing a server needs to be ready goes through it (readiness, health and the query endpoints
 * are served by the route table). The first request that needs the servlet initialises it if
 * {@link #initialize()} has not yet, and waits for it: no request is refused or answered
 * differently because of the deferral, the first one may only take longer.
 */
final class DeferredServlet extends GenericServlet {

    private final Servlet target;
    private volatile boolean initialized;
    private boolean destroyed;

    DeferredServlet(Servlet target) {
        this.target = Objects.requireNonNull(target, "target is null");
    }

    /** Initialises the servlet now, unless done or destroyed; a failure is thrown again to the next caller. */
    void initialize() throws ServletException {
        if (initialized) {
            return;
        }
        synchronized (this) {
            if (initialized || destroyed) {
                return;
            }
            ServletConfig config = getServletConfig();
            if (config == null) {
                throw new ServletException("not yet initialised by the container");
            }
            target.init(config);
            initialized = true;
        }
    }

    boolean initialized() {
        return initialized;
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        if (!initialized) {
            initialize();
            if (!initialized) {
                throw new ServletException("the web application is stopped");
            }
        }
        target.service(request, response);
    }

    @Override
    public synchronized void destroy() {
        destroyed = true;
        if (initialized) {
            initialized = false;
            target.destroy();
        }
    }
}
