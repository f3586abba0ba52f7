package io.promethium.config.model;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One relabeling step. {@code regex} is anchored at both ends (compiled as {@code ^(?:re)$}),
 * and {@code replacement} uses {@code $1}/{@code ${1}}/{@code ${name}} references, as Prometheus.
 *
 * @param regexText the regex as written, for display
 */
public record RelabelConfig(
        List<String> sourceLabels,
        String separator,
        String regexText,
        Pattern regex,
        long modulus,
        String targetLabel,
        String replacement,
        RelabelAction action) {

    public static final String DEFAULT_REGEX = "(.*)";

    public RelabelConfig {
        sourceLabels = List.copyOf(sourceLabels);
        Objects.requireNonNull(separator, "separator is null");
        Objects.requireNonNull(regexText, "regexText is null");
        Objects.requireNonNull(regex, "regex is null");
        targetLabel = targetLabel == null ? "" : targetLabel;
        Objects.requireNonNull(replacement, "replacement is null");
        Objects.requireNonNull(action, "action is null");
    }

    /** Compiles a relabel regex with Prometheus's anchoring. */
    public static Pattern compile(String regex) {
        // RE2 (Go) spells named groups (?P<name>...); Java spells them (?<name>...).
        return Pattern.compile("^(?:" + regex.replace("(?P<", "(?<") + ")$", Pattern.DOTALL);
    }
}
