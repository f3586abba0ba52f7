package io.promethium.push.internal;

import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;

/** One mounted path of the push endpoint: a prefix (or exact path) and the method that answers it. */
record Route(String pathPrefix, boolean exactPath, String handlerLabel, Handler handler) implements HttpRoutes {

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        handler.handle(exchange);
    }
}
