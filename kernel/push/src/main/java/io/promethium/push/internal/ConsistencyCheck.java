package io.promethium.push.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks the Pushgateway runs by gathering its whole store after a tentative change: names
 * and labels valid, a metric's value matching its family's type, no reserved {@code quantile}/
 * {@code le} label, one type per family name across groups, no series twice, and no
 * {@code _sum}/{@code _count}/{@code _bucket} name colliding with a summary or histogram.
 * Only families related by name to the pushed ones are visited, so a push costs in proportion to
 * what it touches, not to the whole store.
 */
final class ConsistencyCheck {

    private ConsistencyCheck() {
    }

    /** The other groups' families, as the store indexes them. */
    interface Others {
        /** The families named {@code name} in every other group. */
        Collection<MetricFamily> named(String name);

        /**
         * The families named {@code name} in the other groups whose series could equal the pushed
         * group's: their grouping keys agree on every label name they share. (Every series carries
         * its group's key, so groups that disagree on a shared label never hold equal series.)
         */
        Collection<MetricFamily> overlapping(String name);
    }

    /**
     * @param pushed the sanitized families of the push, by name
     * @param groupAfter the pushed group's families after the change, by name
     * @param names which names are valid
     * @param others the other groups' families
     */
    static void check(Map<String, MetricFamily> pushed, Map<String, MetricFamily> groupAfter, NameValidation names, Others others)
            throws PushException {
        for (MetricFamily f : pushed.values()) {
            if (!names.validMetricName(f.name())) {
                throw PushException.rejected("\"" + f.name() + "\" is not a valid metric name");
            }
            Set<List<LabelPair>> seen = new HashSet<>();
            for (PushedMetric m : f.metrics()) {
                checkLabels(f, m, names);
                if (!seen.add(m.labels())) {
                    throw PushException.rejected("collected metric \"" + f.name() + "\" " + text(m.labels())
                            + " was collected before with the same name and label values");
                }
            }
            for (MetricFamily other : others.named(f.name())) {
                if (other.type() != f.type()) {
                    throw PushException.rejected("collected metric \"" + f.name() + "\" " + text(f.metrics().get(0).labels())
                            + " is a " + f.type().name() + ", but another group holds \"" + f.name() + "\" as " + other.type().name()
                            + ": is not a " + other.type().name());
                }
            }
            for (MetricFamily other : others.overlapping(f.name())) {
                for (PushedMetric m : other.metrics()) {
                    if (seen.contains(m.labels())) {
                        throw PushException.rejected("collected metric \"" + f.name() + "\" " + text(m.labels())
                                + " was collected before with the same name and label values");
                    }
                }
            }
            checkSuffixes(f, groupAfter, others);
        }
    }

    private static void checkLabels(MetricFamily f, PushedMetric m, NameValidation valid) throws PushException {
        Set<String> names = new HashSet<>();
        for (LabelPair l : m.labels()) {
            if (!valid.validLabelName(l.name()) || l.name().startsWith("__")) {
                throw PushException.rejected("collected metric \"" + f.name() + "\" " + text(m.labels())
                        + " has a label named \"" + l.name() + "\" that is not a valid label name");
            }
            if (!names.add(l.name())) {
                throw PushException.rejected("collected metric \"" + f.name() + "\" " + text(m.labels())
                        + " has two or more labels with the same name: " + l.name());
            }
            if (f.type() == FamilyType.SUMMARY && l.name().equals("quantile")
                    || f.type() == FamilyType.HISTOGRAM && l.name().equals("le")) {
                throw PushException.rejected("collected metric \"" + f.name() + "\" " + text(m.labels())
                        + " has a label named \"" + l.name() + "\", reserved for the " + f.type().text + "'s own use");
            }
        }
    }

    private static void checkSuffixes(MetricFamily f, Map<String, MetricFamily> group, Others others) throws PushException {
        String name = f.name();
        String base = name.endsWith("_count") ? name.substring(0, name.length() - 6)
                : name.endsWith("_sum") ? name.substring(0, name.length() - 4)
                : name.endsWith("_bucket") ? name.substring(0, name.length() - 7) : null;
        if (base != null) {
            for (MetricFamily existing : all(base, group, others)) {
                if (existing.type() == FamilyType.SUMMARY && !name.endsWith("_bucket")) {
                    throw PushException.rejected("collected metric named \"" + name + "\" collides with previously collected summary named \"" + base + "\"");
                }
                if (existing.type() == FamilyType.HISTOGRAM) {
                    throw PushException.rejected("collected metric named \"" + name + "\" collides with previously collected histogram named \"" + base + "\"");
                }
            }
        }
        if (f.type() == FamilyType.SUMMARY || f.type() == FamilyType.HISTOGRAM) {
            List<String> suffixes = f.type() == FamilyType.HISTOGRAM ? List.of("_count", "_sum", "_bucket") : List.of("_count", "_sum");
            for (String suffix : suffixes) {
                if (!all(name + suffix, group, others).isEmpty()) {
                    throw PushException.rejected("collected histogram or summary named \"" + name
                            + "\" collides with previously collected metric named \"" + name + suffix + "\"");
                }
            }
        }
    }

    private static List<MetricFamily> all(String name, Map<String, MetricFamily> group, Others others) {
        List<MetricFamily> result = new ArrayList<>(others.named(name));
        MetricFamily own = group.get(name);
        if (own != null) {
            result.add(own);
        }
        return result;
    }

    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    static String text(List<LabelPair> labels) {
        StringBuilder sb = new StringBuilder("{");
        for (LabelPair l : labels) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(l.name()).append("=\"").append(l.value()).append('"');
        }
        return sb.append('}').toString();
    }
}
