package io.promethium.exposition.internal;

/** Name rules shared by the writers: legacy names are written bare, anything else quoted. */
public final class Names {

    private Names() {
    }

    public static boolean isLegacyMetricName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static boolean isLegacyLabelName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Appends a metric name for a HELP/TYPE/UNIT line: bare if legacy, quoted otherwise. */
    public static void appendMetadataName(StringBuilder sb, String name) {
        if (isLegacyMetricName(name)) {
            sb.append(name);
        } else {
            sb.append('"');
            Escapes.escapeLabelValue(sb, name);
            sb.append('"');
        }
    }

    /**
     * Appends {@code name{labels}}, or {@code {"name",labels}} when the name needs quoting;
     * label names that need it are quoted too. {@code __name__} in {@code labels} is skipped.
     */
    public static void appendSeries(StringBuilder sb, String name, io.promethium.api.model.Labels labels) {
        boolean legacy = isLegacyMetricName(name);
        boolean any = false;
        if (legacy) {
            sb.append(name);
        } else {
            sb.append("{\"");
            Escapes.escapeLabelValue(sb, name);
            sb.append('"');
            any = true;
        }
        int n = labels.size();
        for (int i = 0; i < n; i++) {
            String ln = labels.name(i);
            if (ln.equals(io.promethium.api.model.Labels.METRIC_NAME)) {
                continue;
            }
            if (!any) {
                sb.append('{');
                any = true;
            } else {
                sb.append(',');
            }
            if (isLegacyLabelName(ln)) {
                sb.append(ln);
            } else {
                sb.append('"');
                Escapes.escapeLabelValue(sb, ln);
                sb.append('"');
            }
            sb.append("=\"");
            Escapes.escapeLabelValue(sb, labels.value(i));
            sb.append('"');
        }
        if (any) {
            sb.append('}');
        }
    }
}
