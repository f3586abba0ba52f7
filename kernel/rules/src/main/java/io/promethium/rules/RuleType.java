package io.promethium.rules;

/** The two kinds of rule. */
public enum RuleType {
    ALERTING("alerting"),
    RECORDING("recording");

    private final String apiName;

    RuleType(String apiName) {
        this.apiName = apiName;
    }

    /** The name {@code /api/v1/rules} uses in {@code type}. */
    public String apiName() {
        return apiName;
    }
}
