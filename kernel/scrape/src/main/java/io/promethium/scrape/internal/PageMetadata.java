package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionParser;
import java.util.Map;

/**
 * A scraped page's metadata, as the scrape loop uses it: reading {@code TYPE}, {@code HELP} and
 * {@code UNIT} entries by family, telling comment lines from sample lines, finding a series'
 * family by its name (with counter, histogram and summary suffixes taken off), passing a new
 * series' metadata to the storage, and Prometheus's type-and-unit labels. Stateless; a target's
 * {@link MetadataPass} keeps the metadata it read.
 */
final class PageMetadata {

    private PageMetadata() {
    }

    static boolean commentLine(byte[] b, int p, int end) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p < end && b[p] == '#';
    }

    static int nextLine(byte[] b, int p, int end) {
        return CommentLines.nextLine(b, p, end);
    }

    static void readMetadataEntries(ExpositionParser parser, Map<String, Metadata> meta) throws ExpositionException {
        ExpositionParser.Entry entry;
        while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
            switch (entry) {
                case TYPE -> meta.merge(parser.metricFamilyName(), new Metadata(parser.type(), "", ""),
                        (a, b) -> new Metadata(b.type(), a.help(), a.unit()));
                case HELP -> meta.merge(parser.metricFamilyName(), new Metadata(MetricType.UNKNOWN, parser.help(), ""),
                        (a, b) -> new Metadata(a.type(), b.help(), a.unit()));
                case UNIT -> meta.merge(parser.metricFamilyName(), new Metadata(MetricType.UNKNOWN, "", parser.unit()),
                        (a, b) -> new Metadata(a.type(), a.help(), b.unit()));
                default -> {
                }
            }
        }
    }

    /**
     * A new series' metadata goes to the storage with it (the storage keeps it per series and
     * logs it only when it changes). The family is found by the series' name, with the suffixes
     * of counters, histograms and summaries taken off when the name itself has no metadata.
     */
    static void newSeriesMetadata(Appender app, SeriesCache.Entry e, Map<String, Metadata> known) {
        Metadata m = familyMetadata(known, e.labels.get("__name__"));
        if (m != null) {
            try {
                e.ref = app.updateMetadata(e.ref, e.labels, m);
            } catch (StorageException ignored) {
                // Metadata is advisory: a storage refusing it does not fail the scrape.
            }
        }
    }

    /**
     * The metadata of a series' family: found by the series' name, with the suffixes of counters,
     * histograms and summaries taken off when the name itself has none. Null when unknown.
     */
    static Metadata familyMetadata(Map<String, Metadata> known, String name) {
        if (known == null || known.isEmpty() || name.isEmpty()) {
            return null;
        }
        Metadata m = known.get(name);
        if (m == null) {
            for (String suffix : FAMILY_SUFFIXES) {
                if (name.endsWith(suffix)) {
                    m = known.get(name.substring(0, name.length() - suffix.length()));
                    if (m != null) {
                        break;
                    }
                }
            }
        }
        return m;
    }

    /**
     * Prometheus's type-and-unit labels: the family's type (unless unknown) and unit (unless
     * empty) become {@code __type__} and {@code __unit__}, replacing any the target exposed.
     */
    static void typeAndUnit(Labels.Builder builder, Metadata m) {
        if (m == null) {
            return;
        }
        if (m.type() != MetricType.UNKNOWN) {
            builder.set(TYPE_LABEL, m.type().text());
        }
        if (!m.unit().isEmpty()) {
            builder.set(UNIT_LABEL, m.unit());
        }
    }

    static final String TYPE_LABEL = "__type__";
    static final String UNIT_LABEL = "__unit__";

    private static final String[] FAMILY_SUFFIXES = {"_total", "_bucket", "_count", "_sum", "_created", "_info", "_gcount", "_gsum"};
}
