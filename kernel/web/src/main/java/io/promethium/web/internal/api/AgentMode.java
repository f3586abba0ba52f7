package io.promethium.web.internal.api;

import java.util.regex.Pattern;

/**
 * Agent mode ({@code --agent}): the endpoints Prometheus's agent disables answer as it does,
 * 422 {@code execution} "unavailable with Prometheus Agent" — queries, series, labels, exemplars,
 * rules, alerts, Alertmanagers, TSDB status, blocks and admin, federation and remote read. Targets,
 * metadata, status (the WAL replay's included), flags, lifecycle and {@code /metrics} stay.
 */
public final class AgentMode {

    public static final String MESSAGE = "unavailable with Prometheus Agent";

    private static final Pattern DISABLED = Pattern.compile("/?(api/v1/(query|query_range|query_exemplars|format_query|parse_query"
            + "|labels|label/[^/]+/values|series|alerts|rules|alertmanagers|status/tsdb(/blocks)?|admin/tsdb/.*|read)|federate)/?");

    private AgentMode() {
    }

    /** Whether agent mode refuses this (decoded) path below the route prefix. */
    public static boolean refuses(String path) {
        return DISABLED.matcher(path).matches();
    }
}
