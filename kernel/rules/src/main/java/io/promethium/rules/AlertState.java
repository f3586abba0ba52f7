package io.promethium.rules;

/**
 * The state of an alert, and of an alerting rule (the most severe state of its alerts).
 */
public enum AlertState {
    INACTIVE("inactive"),
    PENDING("pending"),
    FIRING("firing");

    private final String apiName;

    AlertState(String apiName) {
        this.apiName = apiName;
    }

    /** The name the HTTP API and the {@code alertstate} label of {@code ALERTS} use. */
    public String apiName() {
        return apiName;
    }
}
