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
    private final String parameter;

    public QueryException(String errorType, String message) {
        this(errorType, message, (Throwable) null);
    }

    public QueryException(String errorType, String message, Throwable cause) {
        this(errorType, message, cause, "");
    }

    private QueryException(String errorType, String message, Throwable cause, String parameter) {
        super(message, cause);
        this.errorType = requireNonNull(errorType, "errorType is null");
        this.parameter = parameter;
    }

    public String errorType() {
        return errorType;
    }

    /**
     * The request parameter at fault ({@code end}, {@code step}), which the HTTP API names as
     * Prometheus does ({@code invalid parameter "step": ...}); empty when the query as a whole is.
     */
    public String parameter() {
        return parameter;
    }

    /** A {@code bad_data} error of one request parameter. */
    public static QueryException invalidParameter(String parameter, String message) {
        return new QueryException(BAD_DATA, message, null, requireNonNull(parameter, "parameter is null"));
    }

    public static QueryException badData(String message) {
        return new QueryException(BAD_DATA, message);
    }

    public static QueryException execution(String message) {
        return new QueryException(EXECUTION, message);
    }
}
