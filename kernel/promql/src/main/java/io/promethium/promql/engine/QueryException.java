package io.promethium.promql.engine;

import static java.util.Objects.requireNonNull;

/**
 * A query that could not be answered. {@link #errorType()} is the Prometheus HTTP API's
 * {@code errorType}: {@code bad_data}, {@code timeout}, {@code canceled}, {@code execution} or
 * {@code internal}.
 */
public class QueryException extends RuntimeException {

    public static final String BAD_DATA = "bad_data";
    public static final String TIMEOUT = "timeout";
    public static final String CANCELED = "canceled";
    public static final String EXECUTION = "execution";
    public static final String INTERNAL = "internal";

    private static final long serialVersionUID = 1L;

    private final String errorType;

    public QueryException(String errorType, String message) {
        super(message);
        this.errorType = requireNonNull(errorType, "errorType is null");
    }

    public QueryException(String errorType, String message, Throwable cause) {
        super(message, cause);
        this.errorType = requireNonNull(errorType, "errorType is null");
    }

    public String errorType() {
        return errorType;
    }

    public static QueryException badData(String message) {
        return new QueryException(BAD_DATA, message);
    }

    public static QueryException execution(String message) {
        return new QueryException(EXECUTION, message);
    }
}
