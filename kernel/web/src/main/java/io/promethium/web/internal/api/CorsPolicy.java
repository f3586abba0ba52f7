package io.promethium.web.internal.api;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * CORS on {@code /api/v1}, as Prometheus's {@code --web.cors.origin}: a request with an
 * {@code Origin} header gets the CORS headers, and {@code Access-Control-Allow-Origin} when the
 * fully anchored pattern matches the origin ({@code *} for the default {@code .*}); a pre-flight
 * {@code OPTIONS} on any API path succeeds.
 */
public final class CorsPolicy {

    static final String API = "/api/v1/";
    private static final byte[] OPTIONS_BODY = "{\"status\":\"success\",\"data\":null}".getBytes(StandardCharsets.UTF_8);

    private final Pattern origin;
    private final boolean any;

    /** @throws IllegalArgumentException naming the flag when {@code regex} is not a valid pattern */
    public CorsPolicy(String regex) {
        try {
            this.origin = Pattern.compile("^(?:" + regex + ")$");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--web.cors.origin \"" + regex + "\": invalid regular expression: "
                    + e.getDescription(), e);
        }
        this.any = regex.equals(".*");
    }

    /** Whether the path (below the route prefix) is one CORS applies to. */
    public static boolean applies(String path) {
        return path.startsWith(API);
    }

    /** The answer body of a pre-flight {@code OPTIONS} (a copy). */
    public static byte[] optionsBody() {
        return OPTIONS_BODY.clone();
    }

    /** Sets the CORS headers of a request from {@code from} (its {@code Origin} header, null when absent). */
    public void headers(String from, java.util.function.BiConsumer<String, String> setHeader) {
        if (from != null && !from.isEmpty()) {
            setHeader.accept("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
            setHeader.accept("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            setHeader.accept("Access-Control-Expose-Headers", "Date");
            setHeader.accept("Vary", "Origin");
            if (any) {
                setHeader.accept("Access-Control-Allow-Origin", "*");
            } else if (origin.matcher(from).matches()) {
                setHeader.accept("Access-Control-Allow-Origin", from);
            }
        }
    }
}
