package io.promethium.admin.internal;

/** An admin API failure with Prometheus's {@code errorType} and the HTTP status Prometheus uses for it. */
final class AdminError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error types this API answers, with their status codes (as Prometheus's API). */
    enum Type {
        BAD_DATA("bad_data", 400),
        EXECUTION("execution", 422),
        INTERNAL("internal", 500),
        UNAVAILABLE("unavailable", 503),
        NOT_FOUND("not_found", 404),
        FORBIDDEN("forbidden", 403);

        private final String wireName;
        private final int status;

        Type(String wireName, int status) {
            this.wireName = wireName;
            this.status = status;
        }

        String wireName() {
            return wireName;
        }

        int status() {
            return status;
        }
    }

    private final Type type;

    AdminError(Type type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    Type type() {
        return type;
    }
}
