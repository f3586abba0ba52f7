package io.promethium.config.internal;

import io.promethium.config.model.MetricNameScheme;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What each relabel action requires and forbids, with Prometheus's error meanings
 * ({@code model/relabel} validation under the scrape config's or the global name validation scheme). Fields are compared with their
 * defaults, as Prometheus does, so writing a default value explicitly is allowed.
 */
final class RelabelRules {

    static final String DEFAULT_SEPARATOR = ";";
    static final String DEFAULT_REPLACEMENT = "$1";

    /** One rule as written; {@code sourceLabelsSet} is true when {@code source_labels} appears at all. */
    record Rule(RelabelAction action, List<String> sourceLabels, boolean sourceLabelsSet, String separator,
                String regex, long modulus, String targetLabel, String replacement) {
    }

    /**
     * Prometheus's {@code relabelTargetLegacy} ({@code ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$}):
     * legacy characters plus {@code $var} / {@code ${var}} templates. Rewritten without nested
     * quantifiers (same language) because java.util.regex backtracks where Go's RE2 does not.
     */
    private static final Pattern LEGACY_TARGET =
            Pattern.compile("^(?:[a-zA-Z_]|\\$(?:\\{\\w++\\}|\\w++))(?:\\w|\\$(?:\\{\\w++\\}|\\w++))*+$");

    private RelabelRules() {
    }

    /** Under UTF-8 validation; see {@link #violation(Rule, MetricNameScheme.Validation)}. */
    static String violation(Rule r) {
        return violation(r, MetricNameScheme.Validation.UTF8);
    }

    /** The first rule the configuration breaks, or null when it is valid. */
    static String violation(Rule r, MetricNameScheme.Validation names) {
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
        // when they are non-empty valid text; "$" templates expand at relabel time. Under legacy
        // validation a replace target or labelmap replacement with "$" follows LEGACY_TARGET.
        boolean template = action == RelabelAction.REPLACE && r.targetLabel().contains("$");
        if (needsTarget && !(template ? isValidTemplate(r.targetLabel(), names) : names.isValidLabelName(r.targetLabel()))) {
            return quote(r.targetLabel()) + " is invalid 'target_label' for " + name + " action";
        }
        boolean equalOrCase = action == RelabelAction.LOWERCASE || action == RelabelAction.UPPERCASE
                || action == RelabelAction.KEEPEQUAL || action == RelabelAction.DROPEQUAL;
        if (equalOrCase && !r.replacement().equals(DEFAULT_REPLACEMENT)) {
            return "'replacement' can not be set for " + name + " action";
        }
        if (action == RelabelAction.LABELMAP && !isValidTemplate(r.replacement(), names)) {
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

    private static boolean isValidTemplate(String s, MetricNameScheme.Validation names) {
        return names == MetricNameScheme.Validation.UTF8 ? LabelNames.isValidName(s) : LEGACY_TARGET.matcher(s).matches();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
