package io.promethium.exposition;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: a whole page parsed into values, to compare against expectations. */
record ParsedPage(List<Sample> samples, List<Meta> metadata) {

    record Sample(Labels labels, double value, Long timestamp, Exemplar exemplar, String seriesBytes) {
    }

    record Meta(ExpositionParser.Entry entry, String name, MetricType type, String text) {
    }

    static ParsedPage parse(ExpositionFormat format, String page) throws ExpositionException {
        return parse(format, page, ParseMode.LENIENT);
    }

    static ParsedPage parse(ExpositionFormat format, String page, ParseMode mode) throws ExpositionException {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        return parse(format.newParser(bytes, 0, bytes.length, mode));
    }

    static ParsedPage parse(ExpositionParser parser) throws ExpositionException {
        List<Sample> samples = new ArrayList<>();
        List<Meta> metadata = new ArrayList<>();
        ExpositionParser.Entry entry;
        while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
            switch (entry) {
                case SERIES -> {
                    Labels.Builder builder = Labels.builder();
                    parser.labels(builder);
                    samples.add(new Sample(builder.build(), parser.value(),
                            parser.hasTimestamp() ? parser.timestamp() : null,
                            parser.hasExemplar() ? parser.exemplar() : null,
                            new String(parser.buffer(), parser.seriesOffset(), parser.seriesLength(), StandardCharsets.UTF_8)));
                }
                case TYPE -> metadata.add(new Meta(entry, parser.metricFamilyName(), parser.type(), null));
                case HELP -> metadata.add(new Meta(entry, parser.metricFamilyName(), null, parser.help()));
                case UNIT -> metadata.add(new Meta(entry, parser.metricFamilyName(), null, parser.unit()));
                case COMMENT -> metadata.add(new Meta(entry, null, null, parser.comment()));
                default -> throw new AssertionError(entry);
            }
        }
        return new ParsedPage(samples, metadata);
    }
}
