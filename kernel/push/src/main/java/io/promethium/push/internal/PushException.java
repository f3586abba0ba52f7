package io.promethium.push.internal;

/**
 * A push or request refused, with the HTTP status it answers and a message that names what was
 * wrong and where. {@link #recordsFailure()} tells whether the refusal is a failed change of the
 * group (so {@code push_failure_time_seconds} is set, as the Pushgateway does for inconsistent
 * pushes) or a request that never reached the group (a body that does not parse).
 */
final class PushException extends Exception {

    /** The push endpoint's limits, as {@code promethium_http_requests_refused_total} names them. */
    static final String BODY_SIZE = "push_body_size";
    static final String GROUPS = "push_groups";
    static final String GROUP_SERIES = "push_group_series";

    private final int status;
    private final boolean recordsFailure;
    private final String limit;

    private PushException(int status, String message, boolean recordsFailure, String limit) {
        super(message, null, false, false);
        this.status = status;
        this.recordsFailure = recordsFailure;
        this.limit = limit;
    }

    private PushException(int status, String message, boolean recordsFailure) {
        this(status, message, recordsFailure, null);
    }

    /** This refusal as one by a limit that protects the server (one of the names above), which the web bundle counts and logs. */
    PushException byLimit(String limitName) {
        return new PushException(status, getMessage(), recordsFailure, limitName);
    }

    /** The limit that refused the push, or null when the push was refused for another reason. */
    String limit() {
        return limit;
    }

    /** A malformed request: 400, the group is untouched. */
    static PushException badRequest(String message) {
        return new PushException(400, message, false);
    }

    /** A push the group refuses (inconsistent, timestamps, over a limit): 400, failure time set. */
    static PushException rejected(String message) {
        return new PushException(400, "pushed metrics are invalid or inconsistent with existing metrics: " + message, true);
    }

    static PushException status(int status, String message) {
        return new PushException(status, message, false);
    }

    int status() {
        return status;
    }

    boolean recordsFailure() {
        return recordsFailure;
    }
}
