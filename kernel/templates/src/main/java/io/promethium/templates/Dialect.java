package io.promethium.templates;

import java.util.HashSet;
import java.util.Set;

/** Which functions a template may call: Prometheus's rule templates or Alertmanager's notification templates. */
public enum Dialect {
    /** Go's built-ins and Prometheus's template functions ({@code humanize}, {@code query}, ...). */
    PROMETHEUS(TemplateFunctions.PROMETHEUS_NAMES),
    /** Go's built-ins and Alertmanager's ({@code toUpper}, {@code join}, {@code date}, {@code tz}, ...). */
    ALERTMANAGER(TemplateFunctions.ALERTMANAGER_NAMES);

    private final Set<String> functions;

    Dialect(Set<String> functions) {
        this.functions = Set.copyOf(new HashSet<>(functions));
    }

    Set<String> functions() {
        return functions;
    }
}
