package io.promethium.exposition;

import io.promethium.exposition.internal.OpenMetricsParser;
import io.promethium.exposition.internal.ProtobufParser;
import io.promethium.exposition.internal.TextParser;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The exposition formats this server reads and writes, named by their {@code scrape_protocols}
 * spelling. Protobuf ({@code PrometheusProto}, delimited {@code io.prometheus.client.MetricFamily}
 * messages; read since 1.2.0) is the one format that carries native histograms; being binary, it
 * is written only over an {@link OutputStream} ({@link #newWriter(OutputStream, NameEscaping)},
 * since 1.8.0).
 */
public enum ExpositionFormat {
    /** {@code PrometheusProto}: delimited {@code io.prometheus.client.MetricFamily} messages. */
    PROMETHEUS_PROTO("PrometheusProto", "application/vnd.google.protobuf", "",
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"),
    /** {@code OpenMetricsText1.0.0}. */
    OPENMETRICS_TEXT_1_0_0("OpenMetricsText1.0.0", "application/openmetrics-text", "1.0.0",
            OpenMetricsWriter.CONTENT_TYPE),
    /** {@code OpenMetricsText0.0.1}: the same syntax as 1.0.0 for everything parsed here. */
    OPENMETRICS_TEXT_0_0_1("OpenMetricsText0.0.1", "application/openmetrics-text", "0.0.1",
            "application/openmetrics-text; version=0.0.1; charset=utf-8"),
    /** {@code PrometheusText1.0.0}: 0.0.4 plus quoted UTF-8 metric and label names. */
    PROMETHEUS_TEXT_1_0_0("PrometheusText1.0.0", "text/plain", "1.0.0", TextFormatWriter.UTF8_CONTENT_TYPE),
    /** {@code PrometheusText0.0.4}, the classic text format. */
    PROMETHEUS_TEXT_0_0_4("PrometheusText0.0.4", "text/plain", "0.0.4", TextFormatWriter.CONTENT_TYPE);

    private final String protocol;
    private final String mediaType;
    private final String version;
    private final String contentType;

    ExpositionFormat(String protocol, String mediaType, String version, String contentType) {
        this.protocol = protocol;
        this.mediaType = mediaType;
        this.version = version;
        this.contentType = contentType;
    }

    /** The {@code scrape_protocols} name, e.g. {@code OpenMetricsText1.0.0}. */
    public String protocol() {
        return protocol;
    }

    /** The media type without parameters, e.g. {@code text/plain}. */
    public String mediaType() {
        return mediaType;
    }

    /** The {@code version} parameter of the media type. */
    public String version() {
        return version;
    }

    /** The full {@code Content-Type} a writer of this format sends. */
    public String contentType() {
        return contentType;
    }

    /**
     * The {@code Content-Type} a writer of this format made with {@code escaping}
     * ({@link #newWriter(Writer, NameEscaping)}) sends: the format's with that {@code escaping=}
     * parameter; {@link #contentType()} when {@code escaping} is null. Since 1.6.0. For protobuf
     * the scheme is always named ({@code underscores} when null), since 1.8.0.
     */
    public String contentType(NameEscaping escaping) {
        if (this == PROMETHEUS_PROTO) {
            // Always named, as Prometheus 3 answers: underscores unless asked otherwise.
            return ProtobufFamilyWriter.contentType(escaping == null ? NameEscaping.UNDERSCORES : escaping);
        }
        if (escaping == null) {
            return contentType;
        }
        int at = contentType.indexOf("; escaping=");
        return (at < 0 ? contentType : contentType.substring(0, at)) + "; escaping=" + escaping.headerValue();
    }

    public boolean isOpenMetrics() {
        return this == OPENMETRICS_TEXT_1_0_0 || this == OPENMETRICS_TEXT_0_0_1;
    }

    /** A parser over {@code buf[offset, offset+length)} enforcing what Prometheus enforces ({@link ParseMode#LENIENT}). */
    public ExpositionParser newParser(byte[] buf, int offset, int length) {
        return newParser(buf, offset, length, ParseMode.LENIENT);
    }

    /** A parser over {@code buf[offset, offset+length)} with the given strictness. */
    public ExpositionParser newParser(byte[] buf, int offset, int length, ParseMode mode) {
        return newParser(buf, offset, length, mode, HistogramOptions.CLASSIC);
    }

    /**
     * A parser with the given strictness and histogram settings (which only protobuf pages use:
     * the text formats carry classic histograms only). Since 1.2.0.
     */
    public ExpositionParser newParser(byte[] buf, int offset, int length, ParseMode mode, HistogramOptions histograms) {
        Objects.requireNonNull(mode, "mode is null");
        Objects.requireNonNull(histograms, "histograms is null");
        if (this == PROMETHEUS_PROTO) {
            return new ProtobufParser(buf, offset, length, histograms);
        }
        return isOpenMetrics()
                ? new OpenMetricsParser(buf, offset, length, mode == ParseMode.STRICT)
                : new TextParser(buf, offset, length);
    }

    /**
     * A writer of this format over {@code out}; call {@link ExpositionWriter#finish()} at the end.
     * Text format 1.0.0 quotes UTF-8 names; the other formats escape them with underscores, which
     * every reader of those versions understands.
     */
    public ExpositionWriter newWriter(Writer out) {
        if (this == PROMETHEUS_PROTO) {
            throw new UnsupportedOperationException("the protobuf exposition format is binary: write it with newWriter(OutputStream, NameEscaping)");
        }
        boolean utf8Names = this == PROMETHEUS_TEXT_1_0_0;
        return isOpenMetrics()
                ? new OpenMetricsWriter(out, utf8Names, contentType)
                : new TextFormatWriter(out, utf8Names);
    }

    /**
     * A writer of this format presenting names outside the legacy set as {@code escaping} says
     * (client_golang's encoder for a format negotiated with {@code escaping=}): quoted with
     * {@code allow-utf-8}, escaped otherwise. Its content type carries the scheme.
     */
    public ExpositionWriter newWriter(Writer out, NameEscaping escaping) {
        if (this == PROMETHEUS_PROTO) {
            throw new UnsupportedOperationException("the protobuf exposition format is binary: write it with newWriter(OutputStream, NameEscaping)");
        }
        String type = contentType(Objects.requireNonNull(escaping, "escaping is null"));
        return isOpenMetrics() ? new OpenMetricsWriter(out, escaping, type) : new TextFormatWriter(out, escaping, type);
    }

    /**
     * A writer of this format over bytes, for an HTTP response: every format, protobuf included.
     * {@code escaping} as {@link #newWriter(Writer, NameEscaping)}, or null for the format's own
     * rule (protobuf: {@code underscores}, as client_golang's encoder). Its
     * {@link ExpositionWriter#contentType()} is {@link #contentType(NameEscaping)};
     * {@link ExpositionWriter#finish()} flushes {@code out}. Since 1.8.0.
     */
    public ExpositionWriter newWriter(OutputStream out, NameEscaping escaping) {
        Objects.requireNonNull(out, "out is null");
        if (this == PROMETHEUS_PROTO) {
            return new ProtobufExpositionWriter(out, escaping == null ? NameEscaping.UNDERSCORES : escaping);
        }
        Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        return escaping == null ? newWriter(text) : newWriter(text, escaping);
    }

    /** The format named by a {@code scrape_protocols} entry. */
    public static ExpositionFormat fromProtocol(String protocol) {
        for (ExpositionFormat f : values()) {
            if (f.protocol.equals(protocol)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown scrape protocol \"" + protocol + "\"");
    }
}
