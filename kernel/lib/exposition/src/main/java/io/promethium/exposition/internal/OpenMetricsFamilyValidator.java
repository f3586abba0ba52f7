package io.promethium.exposition.internal;

import io.promethium.exposition.ExpositionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The family-level rules of OpenMetrics 1.0 as the reference parser enforces them (strict mode):
 * metadata placement and repetition, clashing names, grouping, timestamps within a group,
 * histogram structure and the value rules of each type. Fed one line at a time by
 * {@link OpenMetricsParser}; allocates per sample, which strict mode accepts.
 */
final class OpenMetricsFamilyValidator {

    private static final Map<String, List<String>> TYPE_SUFFIXES = Map.of(
            "counter", List.of("_total", "_created"),
            "summary", List.of("", "_count", "_sum", "_created"),
            "histogram", List.of("_count", "_sum", "_bucket", "_created"),
            "gaugehistogram", List.of("_gcount", "_gsum", "_bucket"),
            "info", List.of("_info"));

    private final Set<String> seenNames = new HashSet<>();

    // The current family.
    private String name;
    private String type;
    private String help;
    private String unit;
    private List<String> allowedNames = List.of();
    private final List<Sample> samples = new ArrayList<>();
    private String group;
    private boolean groupHasTimestamp;
    private long groupTimestamp;
    private final Set<String> seenGroups = new HashSet<>();

    /** A sample as the histogram check needs it. */
    private record Sample(String name, String group, double le, double value, boolean hasTimestamp, long timestamp) {
    }

    void metadata(String kind, String familyName, String text, int line) throws ExpositionException {
        if (familyName.equals(name) && !samples.isEmpty()) {
            throw new ExpositionException(line, "metadata for family \"" + familyName + "\" after its samples");
        }
        if (!familyName.equals(name)) {
            closeFamily(line);
            startFamily(familyName, null);
        }
        switch (kind) {
            case "HELP" -> {
                if (help != null) {
                    throw new ExpositionException(line, "more than one HELP for family \"" + familyName + "\"");
                }
                help = text;
            }
            case "TYPE" -> {
                if (type != null) {
                    throw new ExpositionException(line, "more than one TYPE for family \"" + familyName + "\"");
                }
                type = text;
                allowedNames = new ArrayList<>();
                for (String suffix : TYPE_SUFFIXES.getOrDefault(text, List.of(""))) {
                    allowedNames.add(familyName + suffix);
                }
            }
            default -> {
                if (unit != null) {
                    throw new ExpositionException(line, "more than one UNIT for family \"" + familyName + "\"");
                }
                unit = text;
            }
        }
    }

    private void startFamily(String familyName, String familyType) {
        name = familyName;
        type = familyType;
        help = null;
        unit = null;
        allowedNames = List.of(familyName);
        samples.clear();
        group = null;
        seenGroups.clear();
    }

    /**
     * One sample; {@code labels} alternates names and values, escapes resolved.
     */
    void sample(String sampleName, List<String> labels, double value, boolean hasTimestamp, long timestamp,
            boolean hasExemplar, int line) throws ExpositionException {
        if (!allowedNames.contains(sampleName)) {
            closeFamily(line);
            startFamily(sampleName, "unknown");
        }
        String typ = type == null ? "unknown" : type;
        Map<String, String> labelMap = new TreeMap<>();
        for (int i = 0; i < labels.size(); i += 2) {
            labelMap.put(labels.get(i), labels.get(i + 1));
        }
        String suffix = sampleName.substring(name.length());
        if (typ.equals("stateset") && !labelMap.containsKey(name)) {
            throw new ExpositionException(line, "stateset sample lacks the label \"" + name + "\"");
        }
        double le = Double.NaN;
        if (sampleName.equals(name + "_bucket")) {
            String leText = labelMap.get("le");
            if (leText == null || leText.equals("NaN")) {
                throw new ExpositionException(line, "bucket without a valid le label");
            }
            le = canonicalNumber(leText, "le", line);
            if (!isInteger(value)) {
                throw new ExpositionException(line, "bucket value must be an integer");
            }
        }
        if ((sampleName.equals(name + "_count") || sampleName.equals(name + "_gcount")) && !isInteger(value)) {
            throw new ExpositionException(line, "count value must be an integer");
        }
        if (typ.equals("summary") && sampleName.equals(name)) {
            String q = labelMap.get("quantile");
            double quantile = q == null ? -1 : canonicalNumber(q, "quantile", line);
            if (!(quantile >= 0 && quantile <= 1)) {
                throw new ExpositionException(line, "quantile label must be between 0 and 1");
            }
        }

        String g = groupKey(sampleName, typ, labelMap);
        if (group != null && !g.equals(group) && seenGroups.contains(g)) {
            throw new ExpositionException(line, "samples of one group are not together (invalid metric grouping)");
        }
        if (group != null && g.equals(group)) {
            if (hasTimestamp != groupHasTimestamp) {
                throw new ExpositionException(line, "mix of samples with and without timestamps within a group");
            }
            if (groupHasTimestamp && groupTimestamp > timestamp && !typ.equals("info")) {
                throw new ExpositionException(line, "timestamps went backwards within a group");
            }
        }
        group = g;
        groupHasTimestamp = hasTimestamp;
        groupTimestamp = timestamp;
        seenGroups.add(g);
        samples.add(new Sample(sampleName, histogramGroupKey(sampleName, labelMap), le, value, hasTimestamp, timestamp));

        if (typ.equals("stateset") && value != 0 && value != 1) {
            throw new ExpositionException(line, "stateset samples can only have values zero and one");
        }
        if (typ.equals("info") && value != 1) {
            throw new ExpositionException(line, "info samples can only have value one");
        }
        if (typ.equals("summary") && sampleName.equals(name) && value < 0) {
            throw new ExpositionException(line, "quantile values cannot be negative");
        }
        boolean counterLike = switch (suffix) {
            case "_total", "_sum", "_count", "_bucket", "_gcount", "_gsum" -> true;
            default -> false;
        };
        if (counterLike && Double.isNaN(value)) {
            throw new ExpositionException(line, "counter-like sample " + sampleName + " cannot be NaN");
        }
        if (counterLike && !suffix.equals("_gsum") && value < 0) {
            throw new ExpositionException(line, "counter-like sample " + sampleName + " cannot be negative");
        }
        if (hasExemplar && !((typ.equals("histogram") || typ.equals("gaugehistogram")) && sampleName.endsWith("_bucket")
                || typ.equals("counter") && sampleName.endsWith("_total"))) {
            throw new ExpositionException(line, "only histogram and gaugehistogram buckets and counter totals can have exemplars");
        }
    }

    void finish(int line) throws ExpositionException {
        closeFamily(line);
    }

    private void closeFamily(int line) throws ExpositionException {
        if (name == null) {
            return;
        }
        String typ = type == null ? "unknown" : type;
        Set<String> names = new HashSet<>(TYPE_SUFFIXES.getOrDefault(typ, List.of()));
        names.add("");
        for (String suffix : names) {
            if (!seenNames.add(name + suffix)) {
                throw new ExpositionException(line, "clashing name: " + name + suffix + " belongs to an earlier family");
            }
        }
        if (unit != null && !unit.isEmpty() && (typ.equals("info") || typ.equals("stateset"))) {
            throw new ExpositionException(line, "units are not allowed for " + typ + " family \"" + name + "\"");
        }
        if (typ.equals("histogram") || typ.equals("gaugehistogram")) {
            checkHistogram(line);
        }
        name = null;
    }

    private void checkHistogram(int line) throws ExpositionException {
        HistogramGroup current = null;
        for (Sample s : samples) {
            String suffix = s.name().substring(name.length());
            if (suffix.isEmpty()) {
                continue;
            }
            if (current == null || !current.group.equals(s.group()) || current.hasTimestamp != s.hasTimestamp()
                    || current.timestamp != s.timestamp()) {
                if (current != null) {
                    current.check(name, line);
                }
                current = new HistogramGroup(s.group(), s.hasTimestamp(), s.timestamp());
            }
            switch (suffix) {
                case "_bucket" -> {
                    if (s.le() < 0) {
                        current.negativeBuckets = true;
                    }
                    if (current.hasBucket && s.le() <= current.bucket) {
                        throw new ExpositionException(line, "buckets out of order in histogram " + name);
                    }
                    if (s.value() < current.value) {
                        throw new ExpositionException(line, "bucket values out of order in histogram " + name);
                    }
                    current.hasBucket = true;
                    current.bucket = s.le();
                    current.value = s.value();
                }
                case "_count", "_gcount" -> {
                    current.hasCount = true;
                    current.count = s.value();
                }
                case "_sum" -> current.hasSum = true;
                case "_gsum" -> {
                    current.hasGsum = true;
                    if (s.value() < 0) {
                        current.negativeGsum = true;
                    }
                }
                default -> {
                }
            }
        }
        if (current != null) {
            current.check(name, line);
        }
    }

    private static final class HistogramGroup {
        final String group;
        final boolean hasTimestamp;
        final long timestamp;
        boolean hasBucket;
        double bucket;
        double value;
        boolean hasCount;
        double count;
        boolean hasSum;
        boolean hasGsum;
        boolean negativeBuckets;
        boolean negativeGsum;

        HistogramGroup(String group, boolean hasTimestamp, long timestamp) {
            this.group = group;
            this.hasTimestamp = hasTimestamp;
            this.timestamp = timestamp;
        }

        void check(String name, int line) throws ExpositionException {
            if (!hasBucket || bucket != Double.POSITIVE_INFINITY) {
                throw new ExpositionException(line, "+Inf bucket missing in histogram " + name);
            }
            if (hasCount && value != count) {
                throw new ExpositionException(line, "count does not match the +Inf bucket in histogram " + name);
            }
            if (hasSum && !hasCount) {
                throw new ExpositionException(line, "_count must be present if _sum is present in histogram " + name);
            }
            if (hasGsum && !hasCount) {
                throw new ExpositionException(line, "_gcount must be present if _gsum is present in histogram " + name);
            }
            if (!(hasSum || hasGsum) && hasCount) {
                throw new ExpositionException(line, "_sum/_gsum must be present if _count is present in histogram " + name);
            }
            if (negativeBuckets && hasSum) {
                throw new ExpositionException(line, "cannot have _sum with negative buckets in histogram " + name);
            }
            if (!negativeBuckets && negativeGsum) {
                throw new ExpositionException(line, "cannot have negative _gsum with non-negative buckets in histogram " + name);
            }
        }
    }

    private String groupKey(String sampleName, String typ, Map<String, String> labels) {
        if (typ.equals("info")) {
            return "";
        }
        String drop = null;
        if (typ.equals("summary") && sampleName.equals(name)) {
            drop = "quantile";
        } else if (typ.equals("stateset")) {
            drop = name;
        } else if ((typ.equals("histogram") || typ.equals("gaugehistogram")) && sampleName.equals(name + "_bucket")) {
            drop = "le";
        }
        return key(labels, drop);
    }

    private String histogramGroupKey(String sampleName, Map<String, String> labels) {
        return key(labels, sampleName.equals(name + "_bucket") ? "le" : null);
    }

    private static String key(Map<String, String> labels, String drop) {
        StringBuilder sb = new StringBuilder();
        labels.forEach((k, v) -> {
            if (!k.equals(drop)) {
                sb.append(k).append('\u0000').append(v).append('\u0000');
            }
        });
        return sb.toString();
    }

    private static boolean isInteger(double v) {
        return !Double.isInfinite(v) && v == Math.rint(v);
    }

    /** Parses a float label value; +Inf must be spelled so. */
    private static double canonicalNumber(String text, String label, int line) throws ExpositionException {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        NumberParser parser = new NumberParser();
        if (!parser.parseDouble(b, 0, b.length)) {
            throw new ExpositionException(line, "invalid " + label + " label value \"" + text + "\"");
        }
        double v = parser.doubleValue;
        if (v == Double.POSITIVE_INFINITY && !text.equals("+Inf")) {
            throw new ExpositionException(line, "non-canonical " + label + " label value \"" + text + "\", expected \"+Inf\"");
        }
        return v;
    }
}
