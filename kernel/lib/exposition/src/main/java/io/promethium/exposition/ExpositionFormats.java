package io.promethium.exposition;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Content negotiation as Prometheus does it: the scrape {@code Accept} header from
 * {@code scrape_protocols}, the parser from a response {@code Content-Type}, and the writer from
 * a request's {@code Accept}.
 */
public final class ExpositionFormats {

    /** The protobuf protocol name. */
    public static final String PROMETHEUS_PROTO = "PrometheusProto";

    /** Prometheus's default {@code scrape_protocols}. */
    public static final List<String> DEFAULT_SCRAPE_PROTOCOLS = List.of(
            "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4");

    /** Every known {@code scrape_protocols} name, in Prometheus's order of preference. */
    public static final List<String> KNOWN_SCRAPE_PROTOCOLS = List.of(
            PROMETHEUS_PROTO, "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0",
            "PrometheusText0.0.4");

    /** The escaping scheme Prometheus 3 asks for by default: names may be any UTF-8. */
    public static final String DEFAULT_ESCAPING = "allow-utf-8";

    private ExpositionFormats() {
    }

    /**
     * The spelling Prometheus 3 stores for the {@code le} label of a classic histogram bucket and
     * the {@code quantile} label of a summary, whatever the exposition wrote: Go's shortest
     * {@code 'g'} form with {@code .0} added to integral values ({@code 1.0}, {@code 0.25},
     * {@code 1e+06}), {@code 0.0} for either zero, {@code +Inf}, {@code -Inf}, {@code NaN}. The
     * parsers apply it at ingest; a feature that makes such series itself uses it to agree.
     *
     * @since 1.5.0
     */
    public static String floatLabelValue(double value) {
        return io.promethium.exposition.internal.FloatFormat.labelFloat(value);
    }

    /** {@link #acceptHeader(List, String)} with {@link #DEFAULT_ESCAPING}. */
    public static String acceptHeader(List<String> scrapeProtocols) {
        return acceptHeader(scrapeProtocols, DEFAULT_ESCAPING);
    }

    /**
     * The {@code Accept} header for the given protocols, most preferred first, weighted as
     * Prometheus weights them ({@code q=0.6} for the first of the five known protocols, one step
     * less for each next one, {@code *}{@code /*} last). The 1.0.0 formats carry the escaping
     * scheme; protobuf asks for delimited {@code io.prometheus.client.MetricFamily} messages.
     *
     * @throws IllegalArgumentException for an unknown or repeated protocol name
     */
    public static String acceptHeader(List<String> scrapeProtocols, String escaping) {
        Objects.requireNonNull(scrapeProtocols, "scrapeProtocols is null");
        Objects.requireNonNull(escaping, "escaping is null");
        validateScrapeProtocols(scrapeProtocols);
        StringBuilder sb = new StringBuilder();
        int weight = KNOWN_SCRAPE_PROTOCOLS.size() + 1;
        for (String protocol : scrapeProtocols) {
            if (protocol.equals(PROMETHEUS_PROTO)) {
                sb.append("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.")
                        .append(weight).append(',');
                weight--;
                continue;
            }
            ExpositionFormat format = ExpositionFormat.fromProtocol(protocol);
            sb.append(format.mediaType()).append(";version=").append(format.version());
            if (format == ExpositionFormat.OPENMETRICS_TEXT_1_0_0 || format == ExpositionFormat.PROMETHEUS_TEXT_1_0_0) {
                sb.append(";escaping=").append(escaping);
            }
            sb.append(";q=0.").append(weight).append(',');
            weight--;
        }
        return sb.append("*/*;q=0.").append(weight).toString();
    }

    /** Checks a {@code scrape_protocols} list: known names, no repeats, not empty. */
    public static void validateScrapeProtocols(List<String> scrapeProtocols) {
        if (scrapeProtocols.isEmpty()) {
            throw new IllegalArgumentException("scrape_protocols is empty");
        }
        List<String> seen = new ArrayList<>();
        for (String protocol : scrapeProtocols) {
            if (!KNOWN_SCRAPE_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("unknown scrape protocol \"" + protocol
                        + "\", supported: " + String.join(", ", KNOWN_SCRAPE_PROTOCOLS));
            }
            if (seen.contains(protocol)) {
                throw new IllegalArgumentException("duplicated protocol in scrape_protocols: " + protocol);
            }
            seen.add(protocol);
        }
    }

    /**
     * The format of a scrape response, falling back to {@code PrometheusText0.0.4} for a blank,
     * unparsable or unknown {@code Content-Type} (what Prometheus 2 always did, and what
     * Prometheus 3 does with {@code fallback_scrape_protocol: PrometheusText0.0.4}).
     */
    public static ExpositionFormat parserFor(String contentType) {
        return negotiate(contentType, ExpositionFormat.PROMETHEUS_TEXT_0_0_4).format();
    }

    /**
     * The format of a scrape response with Prometheus 3's {@code fallback_scrape_protocol}
     * semantics: a recognised media type wins; otherwise {@code fallback} is used with a warning;
     * with no fallback ({@code null}) the scrape fails.
     *
     * @throws ExpositionException when the type is not usable and there is no fallback
     */
    public static Negotiated parserFor(String contentType, ExpositionFormat fallback) throws ExpositionException {
        Negotiated negotiated = negotiate(contentType, fallback);
        if (negotiated.format() == null) {
            throw new ExpositionException(0, negotiated.warning());
        }
        return negotiated;
    }

    /** The outcome of {@link #parserFor(String, ExpositionFormat)}: the format, and a warning when it is a fallback. */
    public record Negotiated(ExpositionFormat format, String warning) {
        public boolean isFallback() {
            return warning != null;
        }
    }

    private static Negotiated negotiate(String contentType, ExpositionFormat fallback) {
        String fallbackName = fallback == null ? null : fallback.protocol();
        if (contentType == null || contentType.isBlank()) {
            return fallback == null
                    ? new Negotiated(null, "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target")
                    : new Negotiated(fallback, "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol " + fallbackName);
        }
        MediaType media = MediaType.parse(contentType);
        if (media == null) {
            return fallback == null
                    ? new Negotiated(null, "cannot parse Content-Type \"" + contentType + "\" and no fallback_scrape_protocol for target")
                    : new Negotiated(fallback, "could not parse received Content-Type \"" + contentType + "\", using fallback_scrape_protocol " + fallbackName);
        }
        switch (media.type()) {
            case "application/openmetrics-text":
                return new Negotiated("0.0.1".equals(media.param("version"))
                        ? ExpositionFormat.OPENMETRICS_TEXT_0_0_1 : ExpositionFormat.OPENMETRICS_TEXT_1_0_0, null);
            case "text/plain":
                return new Negotiated("1.0.0".equals(media.param("version"))
                        ? ExpositionFormat.PROMETHEUS_TEXT_1_0_0 : ExpositionFormat.PROMETHEUS_TEXT_0_0_4, null);
            case "application/vnd.google.protobuf":
                if ("io.prometheus.client.MetricFamily".equals(media.param("proto")) && "delimited".equals(media.param("encoding"))) {
                    return new Negotiated(ExpositionFormat.PROMETHEUS_PROTO, null);
                }
                // fall through: another protobuf message or encoding is unsupported
            default:
                String why = media.type().equals("application/vnd.google.protobuf")
                        ? "received protobuf Content-Type \"" + contentType + "\" that is not delimited io.prometheus.client.MetricFamily"
                        : "received unsupported Content-Type \"" + contentType + "\"";
                return fallback == null
                        ? new Negotiated(null, why + " and no fallback_scrape_protocol specified for target")
                        : new Negotiated(fallback, why + ", using fallback_scrape_protocol " + fallbackName);
        }
    }

    /**
     * The format to answer a request with, from its {@code Accept} header, as client_golang's
     * {@code expfmt.NegotiateIncludingOpenMetrics}: the first acceptable entry by weight wins;
     * OpenMetrics, and delimited protobuf {@code MetricFamily} messages (since 1.8.0; what a
     * Prometheus scrape with native histograms asks for first), are chosen only when asked for;
     * anything else gets the text format 0.0.4.
     */
    public static ExpositionFormat writerFor(String acceptHeader) {
        if (acceptHeader == null || acceptHeader.isBlank()) {
            return ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
        }
        List<MediaType> accepted = new ArrayList<>();
        for (String part : acceptHeader.split(",")) {
            MediaType media = MediaType.parse(part);
            if (media != null && media.quality() > 0) {
                accepted.add(media);
            }
        }
        // Stable sort: equal weights keep the client's order.
        accepted.sort((a, b) -> Double.compare(b.quality(), a.quality()));
        for (MediaType media : accepted) {
            String version = media.param("version");
            if (isDelimitedProtobuf(media)) {
                return ExpositionFormat.PROMETHEUS_PROTO;
            }
            if (media.type().equals("application/openmetrics-text")) {
                if (version == null || version.equals("1.0.0")) {
                    return ExpositionFormat.OPENMETRICS_TEXT_1_0_0;
                }
                if (version.equals("0.0.1")) {
                    return ExpositionFormat.OPENMETRICS_TEXT_0_0_1;
                }
            } else if (media.type().equals("text/plain")) {
                if (version == null || version.equals("0.0.4")) {
                    return ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
                }
                if (version.equals("1.0.0")) {
                    return ExpositionFormat.PROMETHEUS_TEXT_1_0_0;
                }
            }
        }
        return ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
    }

    /**
     * The {@code escaping=} scheme a request's {@code Accept} header asks for, or null when it
     * names none: as client_golang's {@code expfmt.Negotiate}, the entries are visited by weight
     * up to the one {@link #writerFor} answers with, the last known scheme among them winning;
     * unknown values are ignored.
     */
    public static NameEscaping escapingFor(String acceptHeader) {
        if (acceptHeader == null || acceptHeader.isBlank()) {
            return null;
        }
        List<MediaType> accepted = new ArrayList<>();
        for (String part : acceptHeader.split(",")) {
            MediaType media = MediaType.parse(part);
            if (media != null && media.quality() > 0) {
                accepted.add(media);
            }
        }
        accepted.sort((a, b) -> Double.compare(b.quality(), a.quality()));
        NameEscaping escaping = null;
        for (MediaType media : accepted) {
            NameEscaping asked = NameEscaping.fromHeaderValue(media.param("escaping"));
            if (asked != null) {
                escaping = asked;
            }
            String version = media.param("version");
            boolean answered = media.type().equals("application/openmetrics-text")
                    ? version == null || version.equals("1.0.0") || version.equals("0.0.1")
                    : isDelimitedProtobuf(media)
                    || media.type().equals("text/plain") && (version == null || version.equals("0.0.4") || version.equals("1.0.0"));
            if (answered) {
                return escaping;
            }
        }
        return escaping;
    }

    /** Client_golang's protobuf entry: {@code proto=io.prometheus.client.MetricFamily}, {@code encoding=delimited}. */
    private static boolean isDelimitedProtobuf(MediaType media) {
        return media.type().equals("application/vnd.google.protobuf") && "io.prometheus.client.MetricFamily".equals(media.param("proto"))
                && "delimited".equals(media.param("encoding"));
    }

    /** A media type with lower-cased type and parameter names; {@code null} when malformed. */
    private record MediaType(String type, List<String> params) {

        static MediaType parse(String text) {
            String[] parts = text.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            int slash = type.indexOf('/');
            if (slash <= 0 || slash == type.length() - 1 || type.indexOf('/', slash + 1) >= 0
                    || !isToken(type.replace("/", ""))) {
                return null;
            }
            List<String> params = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    return null;
                }
                String value = p.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                params.add(p.substring(0, eq).trim().toLowerCase(Locale.ROOT));
                params.add(value);
            }
            return new MediaType(type, List.copyOf(params));
        }

        private static boolean isToken(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                    return false;
                }
            }
            return true;
        }

        String param(String name) {
            for (int i = 0; i < params.size(); i += 2) {
                if (params.get(i).equals(name)) {
                    return params.get(i + 1);
                }
            }
            return null;
        }

        double quality() {
            String q = param("q");
            if (q == null) {
                return 1.0;
            }
            try {
                return Double.parseDouble(q);
            } catch (NumberFormatException e) {
                return 0.0;
            }
        }
    }
}
