package io.promethium.rules;

/** A rule's health after its last evaluation; {@code UNKNOWN} before the first one. */
public enum RuleHealth {
    OK("ok"),
    ERR("err"),
    UNKNOWN("unknown");

    private final String apiName;

    RuleHealth(String apiName) {
        this.apiName = apiName;
    }

    /** The name {@code /api/v1/rules} uses in {@code health}. */
    public String apiName() {
        return apiName;
    }
}
