package io.promethium.web.internal.api;

/**
 * An API failure with Prometheus's {@code errorType} and the HTTP status Prometheus uses for it.
 * Endpoints throw it; the route serving them writes the JSON.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Prometheus's error types with their status codes. */
    public enum Type {
        BAD_DATA("bad_data", 400),
        TIMEOUT("timeout", 503),
        CANCELED("canceled", 503),
        EXECUTION("execution", 422),
        INTERNAL("internal", 500),
        UNAVAILABLE("unavailable", 503),
        NOT_FOUND("not_found", 404),
        FORBIDDEN("forbidden", 403),
        NOT_ACCEPTABLE("not_acceptable", 406);

        private final String wireName;
        private final int status;

        Type(String wireName, int status) {
            this.wireName = wireName;
            this.status = status;
        }

        public String wireName() {
            return wireName;
        }

        public int status() {
            return status;
        }

        /** The type with this wire name; unknown names are {@code internal}. */
        public static Type ofWireName(String wireName) {
            for (Type t : values()) {
                if (t.wireName.equals(wireName)) {
                    return t;
                }
            }
            return INTERNAL;
        }
    }

    private final Type type;
    private final String limit;

    public ApiError(Type type, String message) {
        this(type, message, null);
    }

    /**
     * @param limit the protective limit that refuses the request ({@code query_samples}; see
     *              {@link io.promethium.web.internal.metrics.Refusals}), or null for another error
     */
    public ApiError(Type type, String message, String limit) {
        super(message);
        this.type = type;
        this.limit = limit;
    }

    public Type type() {
        return type;
    }

    /** The protective limit that refuses the request, or null when the error is another. */
    public String limit() {
        return limit;
    }

    /** The error object's fields. */
    public ApiResponses.Body fields() {
        return g -> {
            g.writeStringField("status", "error");
            g.writeStringField("errorType", type.wireName());
            g.writeStringField("error", getMessage());
        };
    }
}
