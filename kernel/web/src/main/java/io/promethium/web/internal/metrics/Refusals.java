package io.promethium.web.internal.metrics;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Requests refused by a limit that protects the server (a body over its size limit, a snappy body
 * declaring more than the decoder allows, a query nested too deeply, a regex too expensive, a
 * query loading too many samples), reported by the routes through
 * {@link io.promethium.api.web.HttpExchange#refused}: counted per limit in
 * {@value #FAMILY}{@code {limit}} and logged as a warning naming the limit, the client and the
 * path, at most one line per limit every {@link ThrottledLog#INTERVAL} (the metric counts all).
 */
public final class Refusals {

    static final String FAMILY = "promethium_http_requests_refused_total";

    /** A form-encoded API body over its 10 MiB limit. */
    public static final String FORM_BODY_SIZE = "form_body_size";
    /** A query nested deeper than the parser (or the evaluator's stack) takes. */
    public static final String QUERY_NESTING = "query_nesting";
    /** A query loading more than {@code --query.max-samples}. */
    public static final String QUERY_SAMPLES = "query_samples";
    /** A regex that backtracks too long on a label value. */
    public static final String REGEX_COST = "regex_cost";

    /** What a path or reason may take of a log line: a client chooses both. */
    private static final int MAX_FIELD = 300;
    /** A limit is a name fixed in code, never a client's data: the label's values stay few. */
    private static final Pattern LIMIT_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Logger LOG = Logger.getLogger(Refusals.class.getName());

    private final ThrottledLog log;
    private final Map<String, LongAdder> byLimit = new ConcurrentHashMap<>();

    /**
     * @param initial limits counted from 0 from the start (the web bundle's own), so an alert's
     *                {@code increase()} sees their first refusal; other limits appear at their first
     */
    public Refusals(String... initial) {
        this(new ThrottledLog(LOG, Level.WARNING), initial);
    }

    Refusals(ThrottledLog log, String... initial) {
        this.log = Objects.requireNonNull(log, "log is null");
        for (String limit : initial) {
            counter(limit);
        }
    }

    /**
     * Counts and logs one refused request.
     *
     * @param limit  the limit's name ({@code push_body_size})
     * @param client the client's {@code host:port}
     * @param path   the request's path
     * @param reason the error the client is answered
     * @throws IllegalArgumentException when {@code limit} is not a label-style name
     */
    public void refused(String limit, String client, String path, String reason) {
        counter(limit).increment();
        log.log(limit, () -> "refused a request from " + client + " to " + ThrottledLog.printable(path, MAX_FIELD) + " by the limit "
                + limit + ": " + ThrottledLog.printable(reason, MAX_FIELD));
    }

    /** The refusals counted for a limit so far. */
    public long count(String limit) {
        LongAdder adder = limit == null ? null : byLimit.get(limit);
        return adder == null ? 0 : adder.sum();
    }

    private LongAdder counter(String limit) {
        LongAdder adder = limit == null ? null : byLimit.get(limit);
        if (adder != null) {
            return adder;
        }
        if (limit == null || !LIMIT_NAME.matcher(limit).matches()) {
            throw new IllegalArgumentException("not a limit name (lower-case letters, digits and underscores): " + limit);
        }
        return byLimit.computeIfAbsent(limit, k -> new LongAdder());
    }

    void collect(MetricWriter writer) {
        writer.family(FAMILY, MetricType.COUNTER,
                "Requests refused by a limit that protects the server (body size, decoded size, query nesting, regex cost, query samples).", "");
        new TreeMap<>(byLimit).forEach((limit, adder) -> writer.sample(FAMILY, Labels.of("limit", limit), adder.sum()));
    }
}
