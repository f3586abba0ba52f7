package io.promethium.config.internal;

import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import java.util.List;

/**
 * What each relabel action requires and forbids, with Prometheus's error meanings
 * ({@code model/relabel} validation under UTF-8 name validation). Fields are compared with their
 * defaults, as Prometheus does, so writing a default value explicitly is allowed.
 */
final class RelabelRules {

    static final String DEFAULT_SEPARATOR = ";";
    static final String DEFAULT_REPLACEMENT = "$1";

    /** One rule as written; {@code sourceLabelsSet} is true when {@code source_labels} appears at all. */
    record Rule(RelabelAction action, List<String> sourceLabels, boolean sourceLabelsSet, String separator,
                String regex, long modulus, String targetLabel, String replacement) {
    }

    private RelabelRules() {
    }

    /** The first rule the configuration breaks, or null when it is valid. */
    static String violation(Rule r) {
        for (String name : r.sourceLabels()) {
            if (!LabelNames.isValidName(name)) {
                return quote(name) + " is not a valid label name";
            }
        }
        RelabelAction action = r.action();
        String name = action.yamlName();
        if (action == RelabelAction.HASHMOD && r.modulus() == 0) {
            return "relabel configuration for hashmod requires non-zero modulus";
        }
        boolean needsTarget = switch (action) {
            case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
            case KEEP, DROP, LABELMAP, LABELDROP, LABELKEEP -> false;
        };
        if (needsTarget && r.targetLabel().isEmpty()) {
            return "relabel configuration for " + name + " action requires 'target_label' value";
        }
        // Under UTF-8 validation a target (template or not) and a labelmap replacement are valid
        // when they are non-empty valid text; "$" templates expand at relabel time.
        if (needsTarget && !LabelNames.isValidName(r.targetLabel())) {
            return quote(r.targetLabel()) + " is invalid 'target_label' for " + name + " action";
        }
        boolean equalOrCase = action == RelabelAction.LOWERCASE || action == RelabelAction.UPPERCASE
                || action == RelabelAction.KEEPEQUAL || action == RelabelAction.DROPEQUAL;
        if (equalOrCase && !r.replacement().equals(DEFAULT_REPLACEMENT)) {
            return "'replacement' can not be set for " + name + " action";
        }
        if (action == RelabelAction.LABELMAP && !LabelNames.isValidName(r.replacement())) {
            return quote(r.replacement()) + " is invalid 'replacement' for " + name + " action";
        }
        if ((action == RelabelAction.KEEPEQUAL || action == RelabelAction.DROPEQUAL)
                && (!r.regex().equals(RelabelConfig.DEFAULT_REGEX) || r.modulus() != 0
                || !r.separator().equals(DEFAULT_SEPARATOR) || !r.replacement().equals(DEFAULT_REPLACEMENT))) {
            return name + " action requires only 'source_labels' and `target_label`, and no other fields";
        }
        if ((action == RelabelAction.LABELDROP || action == RelabelAction.LABELKEEP)
                && (r.sourceLabelsSet() || !r.targetLabel().isEmpty() || r.modulus() != 0
                || !r.separator().equals(DEFAULT_SEPARATOR) || !r.replacement().equals(DEFAULT_REPLACEMENT))) {
            return name + " action requires only 'regex', and no other fields";
        }
        return null;
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
