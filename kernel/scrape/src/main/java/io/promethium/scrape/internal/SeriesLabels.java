package io.promethium.scrape.internal;

import io.promethium.config.model.MetricNameScheme;
import io.promethium.api.model.Labels;
import io.promethium.config.model.ScrapeLimits;
import io.promethium.config.relabel.Relabeler;
import java.util.ArrayList;
import java.util.List;

/**
 * The labels a scraped series is stored with (Prometheus's {@code mutateSampleLabels}): the
 * target's labels are added; on a clash the exposed value moves to {@code exported_<name>}
 * unless {@code honor_labels} keeps the exposed one; then {@code metric_relabel_configs} run.
 * Runs only on a series-cache miss.
 */
final class SeriesLabels {

    static final String EXPORTED_PREFIX = "exported_";

    private SeriesLabels() {
    }

    /** The final labels, or null when metric relabeling drops the series. */
    static Labels of(Labels exposed, Labels target, boolean honorLabels, Relabeler metricRelabeler) {
        Labels.Builder lb = exposed.toBuilder();
        if (honorLabels) {
            for (int i = 0; i < target.size(); i++) {
                if (!exposed.has(target.name(i))) {
                    lb.set(target.name(i), target.value(i));
                }
            }
        } else {
            List<String[]> conflicts = null;
            for (int i = 0; i < target.size(); i++) {
                String exposedValue = exposed.get(target.name(i));
                if (!exposedValue.isEmpty()) {
                    if (conflicts == null) {
                        conflicts = new ArrayList<>();
                    }
                    conflicts.add(new String[] {target.name(i), exposedValue});
                }
                lb.set(target.name(i), target.value(i));
            }
            if (conflicts != null) {
                // Shorter names first, so exported_exported_x never steals exported_x's place.
                conflicts.sort((a, b) -> Integer.compare(a[0].length(), b[0].length()));
                for (String[] conflict : conflicts) {
                    String name = conflict[0];
                    do {
                        name = EXPORTED_PREFIX + name;
                    } while (!lb.get(name).isEmpty());
                    lb.set(name, conflict[1]);
                }
            }
        }
        if (metricRelabeler.isEmpty()) {
            return lb.build();
        }
        return metricRelabeler.process(lb) ? emptyToNull(lb.build()) : null;
    }

    private static Labels emptyToNull(Labels labels) {
        return labels.isEmpty() ? null : labels;
    }

    /**
     * Prometheus's checks of a new series after relabeling ({@code errNameLabelMandatory},
     * {@code Labels.IsValid(validationScheme)}); the message is the scrape error. Null when valid.
     * Label values are not checked: the parsers accept only valid UTF-8.
     */
    static String checkNames(Labels labels, MetricNameScheme.Validation validation) {
        String name = labels.get(Labels.METRIC_NAME);
        if (name.isEmpty()) {
            return "missing metric name (__name__ label)";
        }
        boolean valid = validation.isValidMetricName(name);
        for (int i = 0; valid && i < labels.size(); i++) {
            valid = validation.isValidLabelName(labels.name(i));
        }
        return valid ? null : "invalid metric name or label names: " + goString(labels);
    }

    /** Prometheus's {@code Labels.String()}: names outside the legacy set quoted, values Go-quoted. */
    private static String goString(Labels labels) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String name = labels.name(i);
            if (MetricNameScheme.Validation.LEGACY.isValidLabelName(name)) {
                sb.append(name);
            } else {
                goQuote(sb, name);
            }
            sb.append('=');
            goQuote(sb, labels.value(i));
        }
        return sb.append('}').toString();
    }

    private static void goQuote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        sb.append('"');
    }

    /** Prometheus's label limits; the message is the scrape error. Null when within limits. */
    static String checkLimits(Labels labels, ScrapeLimits limits) {
        if (limits.labelLimit() > 0 && labels.size() > limits.labelLimit()) {
            return "label_limit exceeded (metric: " + labels.metricName() + ", number of labels: " + labels.size()
                    + ", limit: " + limits.labelLimit() + ")";
        }
        if (limits.labelNameLengthLimit() <= 0 && limits.labelValueLengthLimit() <= 0) {
            return null;
        }
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            String value = labels.value(i);
            if (limits.labelNameLengthLimit() > 0 && name.length() > limits.labelNameLengthLimit()) {
                return "label_name_length_limit exceeded (metric: " + labels.metricName() + ", label name: " + name
                        + ", length: " + name.length() + ", limit: " + limits.labelNameLengthLimit() + ")";
            }
            if (limits.labelValueLengthLimit() > 0 && value.length() > limits.labelValueLengthLimit()) {
                return "label_value_length_limit exceeded (metric: " + labels.metricName() + ", label name: " + name
                        + ", value: \"" + value + "\", length: " + value.length() + ", limit: "
                        + limits.labelValueLengthLimit() + ")";
            }
        }
        return null;
    }
}
