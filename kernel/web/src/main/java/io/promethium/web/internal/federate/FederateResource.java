package io.promethium.web.internal.federate;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.ValueType;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionFormats;
import io.promethium.exposition.ExpositionWriter;
import io.promethium.exposition.ProtobufFamilyWriter;
import io.promethium.exposition.NameEscaping;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code /federate}: the newest sample within the lookback window of every series matching a
 * {@code match[]}, with its timestamp, external labels added where the series lacks them, in the
 * text format, OpenMetrics or the delimited protobuf format as the {@code Accept} header asks.
 * Native histograms are federated in the protobuf format only (the text formats cannot carry them),
 * as Prometheus 3 does. Stale series are left out, as Prometheus does, since the exposition
 * formats cannot carry staleness markers.
 */
public final class FederateResource implements Endpoints {

    private final Supplier<Storage> storage;
    private final Supplier<Labels> externalLabels;
    private final LongSupplier lookbackMillis;
    private final Clock clock;

    public FederateResource(Supplier<Storage> storage, Supplier<Labels> externalLabels, LongSupplier lookbackMillis, Clock clock) {
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.externalLabels = Objects.requireNonNull(externalLabels, "externalLabels is null");
        this.lookbackMillis = Objects.requireNonNull(lookbackMillis, "lookbackMillis is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** One federated sample: a float, or a native histogram (a copy: a {@code Histogram} or {@code FloatHistogram}). */
    private record Point(Labels labels, long t, double v, Object histogram) {
    }

    private static boolean isGauge(Object histogram) {
        return histogram instanceof Histogram h ? h.counterResetHint() == CounterResetHint.GAUGE
                : histogram instanceof FloatHistogram fh && fh.counterResetHint() == CounterResetHint.GAUGE;
    }

    /** The series' labels with the external labels it lacks. */
    private static Labels withExternal(Labels labels, Labels external) {
        if (external.isEmpty()) {
            return labels;
        }
        Labels.Builder b = labels.toBuilder();
        for (int i = 0; i < external.size(); i++) {
            if (!labels.has(external.name(i))) {
                b.set(external.name(i), external.value(i));
            }
        }
        return b.build();
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/federate").formLimit(formLimit).agent(agent).get("/federate", this::federate).build());
    }

    private void federate(Router.Call call) throws IOException {
        String accept = call.exchange().requestHeader("Accept").orElse(null);
        Params params = call.query();
        List<List<Matcher>> sets = new ArrayList<>();
        for (String selector : params.all("match[]")) {
            try {
                sets.add(PromQLParser.parseMetricSelector(selector));
            } catch (ParseException | IllegalArgumentException e) {
                call.respond(400, Router.TEXT_UTF8, e.getMessage() + "\n");
                return;
            }
        }
        long maxt = clock.millis();
        long mint = maxt - lookbackMillis.getAsLong();
        Storage s = storage.get();
        TreeMap<Labels, Point> points = new TreeMap<>();
        try (Querier q = s.querier(mint, maxt)) {
            SelectHints hints = SelectHints.range(mint, maxt);
            SampleIterator reuse = null;
            for (List<Matcher> set : sets) {
                SeriesSet ss = q.select(true, hints, set);
                while (ss.next()) {
                    Series series = ss.at();
                    if (points.containsKey(series.labels())) {
                        continue;
                    }
                    SampleIterator it = series.iterator(reuse);
                    reuse = it;
                    boolean found = false;
                    long t = 0;
                    double v = 0;
                    ValueType kind = ValueType.NONE;
                    if (it.seek(mint)) {
                        do {
                            if (it.timestamp() > maxt) {
                                break;
                            }
                            found = true;
                            t = it.timestamp();
                            kind = it.valueType();
                            v = kind.isHistogram() ? 0 : it.value();
                        } while (it.next());
                    }
                    Object histogram = null;
                    if (found && kind.isHistogram()) {
                        // The iterator is past the newest sample: read it again at its timestamp.
                        SampleIterator again = series.iterator(null);
                        if (again.seek(t)) {
                            histogram = again.valueType() == ValueType.HISTOGRAM ? again.histogram().copy() : again.floatHistogram().copy();
                        }
                    }
                    boolean stale = histogram instanceof Histogram h ? h.isStale()
                            : histogram instanceof FloatHistogram fh ? fh.isStale() : StaleMarker.isStale(v);
                    if (found && !stale && !series.labels().metricName().isEmpty()) {
                        points.put(series.labels(), new Point(series.labels(), t, v, histogram));
                    }
                }
                if (ss.error() != null) {
                    throw new ApiError(ApiError.Type.INTERNAL, "federation failed: " + ss.error().getMessage());
                }
            }
        }
        List<Point> sorted = new ArrayList<>(points.values());
        sorted.sort(Comparator.comparing((Point p) -> p.labels().metricName()));
        Labels external = externalLabels.get();
        ExpositionFormat format = ExpositionFormats.writerFor(accept);
        if (format == ExpositionFormat.PROMETHEUS_PROTO) {
            NameEscaping protoEscaping = ProtobufFamilyWriter.escapingFor(accept);
            Router.Streamed body = out -> {
                ProtobufFamilyWriter writer = new ProtobufFamilyWriter(out, protoEscaping);
                String family = null;
                for (Point p : sorted) {
                    String name = p.labels().metricName();
                    String key = name + (p.histogram() == null ? "" : "\u0000h");
                    if (!key.equals(family)) {
                        writer.family(name, p.histogram() != null, isGauge(p.histogram()));
                        family = key;
                    }
                    if (p.histogram() == null) {
                        writer.sample(withExternal(p.labels(), external), p.v(), p.t());
                    } else {
                        writer.histogram(withExternal(p.labels(), external), p.histogram(), p.t());
                    }
                }
                writer.flush();
                out.flush();
            };
            call.stream(200, ProtobufFamilyWriter.contentType(protoEscaping), body);
            return;
        }
        // An escaping= parameter is honoured as client_golang's encoder does (allow-utf-8 quotes
        // UTF-8 names in any text format); without one, text 1.0.0 quotes and the others escape
        // with underscores.
        NameEscaping escaping = ExpositionFormats.escapingFor(accept);
        String contentType = format.contentType(escaping);
        Router.Streamed body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            ExpositionWriter exposition = escaping == null ? format.newWriter(writer) : format.newWriter(writer, escaping);
            String family = null;
            for (Point p : sorted) {
                if (p.histogram() != null) {
                    // Native histograms travel only in the protobuf format, as Prometheus federates them.
                    continue;
                }
                String name = p.labels().metricName();
                if (!name.equals(family)) {
                    exposition.family(name, MetricType.UNKNOWN, "", "");
                    family = name;
                }
                Labels.Builder labels = p.labels().toBuilder().remove(Labels.METRIC_NAME);
                for (int i = 0; i < external.size(); i++) {
                    if (!p.labels().has(external.name(i))) {
                        labels.set(external.name(i), external.value(i));
                    }
                }
                exposition.sample(name, labels.build(), p.v(), p.t());
            }
            exposition.finish();
            writer.flush();
        };
        // As a raw header: MediaType would reorder the parameters.
        call.stream(200, contentType, body);
    }
}
