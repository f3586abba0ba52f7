package io.promethium.scrape.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.api.web.HttpExchange;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionFormats;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves every exporter's page over HTTP at {@code /exporters/<name>/metrics}, in the format the
 * client's {@code Accept} asks for, so another Prometheus can scrape it; {@code /exporters}
 * lists the installed exporters.
 */
final class ExporterRoutes {

    private static final Logger LOG = Logger.getLogger(ExporterRoutes.class.getName());

    private final Exporters exporters;

    ExporterRoutes(Exporters exporters) {
        this.exporters = Objects.requireNonNull(exporters, "exporters is null");
    }

    void handle(HttpExchange exchange) throws IOException {
        if (!exchange.method().equals("GET") && !exchange.method().equals("HEAD")) {
            exchange.responseHeader("Allow", "GET, HEAD");
            exchange.respond(405, "text/plain; charset=utf-8", "method " + exchange.method() + " not allowed\n");
            return;
        }
        String sub = exchange.subPath();
        if (sub.isEmpty() || sub.equals("/")) {
            StringBuilder list = new StringBuilder();
            for (String name : exporters.names()) {
                list.append(Exporters.PATH_PREFIX).append('/').append(name).append("/metrics\n");
            }
            exchange.respond(200, "text/plain; charset=utf-8", list.toString());
            return;
        }
        String name = sub.endsWith("/metrics") ? sub.substring(1, sub.length() - "/metrics".length()) : "";
        Exporter exporter;
        try {
            // An exporter being updated is waited for briefly, so a remote scraper sees no gap either.
            exporter = name.isEmpty() || name.indexOf('/') >= 0 ? null : exporters.await(name, java.time.Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exporter = null;
        }
        if (exporter == null) {
            exchange.respond(404, "text/plain; charset=utf-8", "no exporter page at " + exchange.path()
                    + "; installed: " + String.join(", ", exporters.names()) + "\n");
            return;
        }
        String accept = exchange.requestHeader("Accept").orElse(null);
        ExpositionFormat format = ExpositionFormats.writerFor(accept);
        // An escaping= in Accept is honoured as client_golang's promhttp does (a Prometheus 3 scrape
        // sends allow-utf-8 by default); without one, the format's own rule applies. Protobuf when
        // asked for first, as a Prometheus with native histograms asks.
        io.promethium.exposition.NameEscaping escaping = ExpositionFormats.escapingFor(accept);
        exchange.status(200);
        // Before the body is opened: opening it commits the headers.
        exchange.responseHeader("Content-Type", format.contentType(escaping));
        OutputStream out = exchange.responseBody();
        io.promethium.exposition.ExpositionWriter writer = format.newWriter(out, escaping);
        try {
            exporters.render(exporter, writer);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // Headers are gone already: the page ends short, and the log says why.
            LOG.log(Level.WARNING, "exporter " + name + " failed", e);
        }
        out.flush();
    }
}
