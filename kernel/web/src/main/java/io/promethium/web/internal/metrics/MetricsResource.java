package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.ExpositionWriter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's own metrics: every {@link Collector} service, rendered in the format the
 * scraper's {@code Accept} asks for (text 0.0.4 by default, OpenMetrics on request). A collector
 * that throws is skipped and logged; the others are still served.
 */
@Path("/metrics")
public final class MetricsResource {

    private static final Logger LOG = Logger.getLogger(MetricsResource.class.getName());

    private final Supplier<List<Collector>> collectors;

    public MetricsResource(Supplier<List<Collector>> collectors) {
        this.collectors = Objects.requireNonNull(collectors, "collectors is null");
    }

    @GET
    public Response metrics(@HeaderParam("Accept") String accept) {
        List<Collector> snapshot = collectors.get();
        String contentType = ExpositionFormats.writerFor(accept).contentType();
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            ExpositionWriter exposition = ExpositionFormats.writerFor(accept).newWriter(writer);
            for (Collector collector : snapshot) {
                try {
                    collector.collect(exposition);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "collector " + collector.getClass().getName() + " failed", e);
                }
            }
            exposition.finish();
            writer.flush();
        };
        return Response.ok(body).type(contentType).build();
    }
}
