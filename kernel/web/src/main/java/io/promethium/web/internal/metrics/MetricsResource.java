package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.ExpositionWriter;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's own metrics: every {@link Collector} service, rendered in the format the
 * scraper's {@code Accept} asks for (text 0.0.4 by default, OpenMetrics or protobuf on request). A collector
 * that throws is skipped and logged; the others are still served. The same families as JSON at
 * {@code /api/v1/status/self_metrics} ({@link SelfMetrics}), as Prometheus 3.
 */
public final class MetricsResource implements Endpoints {

    private static final Logger LOG = Logger.getLogger(MetricsResource.class.getName());

    private final Supplier<List<Collector>> collectors;

    public MetricsResource(Supplier<List<Collector>> collectors) {
        this.collectors = Objects.requireNonNull(collectors, "collectors is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/metrics").formLimit(formLimit).agent(agent).get("/metrics", this::metrics).build(),
                Router.under("/api/v1/status/self_metrics").formLimit(formLimit).agent(agent)
                        .get("/api/v1/status/self_metrics", this::selfMetrics).build());
    }

    /** Prometheus 3's {@code /api/v1/status/self_metrics}, with its {@code metric_name_pattern} (anchored). */
    private void selfMetrics(Router.Call call) throws IOException {
        String pattern = call.query().get("metric_name_pattern");
        java.util.regex.Pattern filter = null;
        if (pattern != null && !pattern.isEmpty()) {
            try {
                filter = java.util.regex.Pattern.compile("^(?:" + pattern + ")$");
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new io.promethium.web.internal.api.ApiError(io.promethium.web.internal.api.ApiError.Type.BAD_DATA,
                        "invalid metric_name_pattern: " + e.getDescription());
            }
        }
        SelfMetrics families = new SelfMetrics();
        for (Collector collector : collectors.get()) {
            try {
                collector.collect(families);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "collector " + collector.getClass().getName() + " failed", e);
            }
        }
        java.util.regex.Pattern chosen = filter;
        call.success(g -> families.write(g, chosen));
    }

    private void metrics(Router.Call call) throws IOException {
        String accept = call.exchange().requestHeader("Accept").orElse(null);
        List<Collector> snapshot = collectors.get();
        // Text 0.0.4 by default; OpenMetrics or protobuf when asked for first, as client_golang's
        // promhttp negotiates (a Prometheus with native histograms asks for protobuf first).
        io.promethium.exposition.ExpositionFormat format = ExpositionFormats.writerFor(accept);
        // An escaping= parameter is honoured as on /federate (a plugin's collector may use UTF-8 names).
        io.promethium.exposition.NameEscaping escaping = ExpositionFormats.escapingFor(accept);
        call.exchange().status(200);
        call.exchange().responseHeader("Content-Type", format.contentType(escaping));
        OutputStream body = call.exchange().responseBody();
        ExpositionWriter exposition = format.newWriter(body, escaping);
        for (Collector collector : snapshot) {
            try {
                collector.collect(exposition);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "collector " + collector.getClass().getName() + " failed", e);
            }
        }
        exposition.finish();
        body.flush();
    }
}
