package io.promethium.web.internal.api;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes a URL's query string and a form body into names and values, as the API has always read
 * them (JAX-RS's {@code UriInfo} and form reader, which the API kept when it left Jersey): pairs
 * split at {@code &}, name and value {@code URLDecoder}-decoded ({@code +} is a space), a name
 * without {@code =} gets {@code ""}; a pair starting with {@code =} is dropped from a query and kept
 * whole as a name in a form.
 */
public final class FormValues {

    /** Form bodies are refused past 10 MiB, Go's limit for {@code ParseForm}. */
    public static final long MAX_FORM_BYTES = 10L << 20;

    private FormValues() {
    }

    /** The query string's parameters, in order; a bad percent escape throws {@link IllegalArgumentException}. */
    public static Map<String, List<String>> query(String raw) {
        return decode(raw, StandardCharsets.UTF_8, false, false);
    }

    /**
     * The query string's parameters, in order; a name or value with a bad percent escape is kept
     * as sent, as JAX-RS's {@code UriInfo} kept it for the endpoints it served.
     */
    public static Map<String, List<String>> lenientQuery(String raw) {
        return decode(raw, StandardCharsets.UTF_8, false, true);
    }

    /**
     * The parameters of a form {@code body} of content type {@code type} (read up to one byte past
     * {@code limit}) after {@code query}'s, as Go's {@code r.FormValue} reads them.
     */
    public static Params withForm(Map<String, List<String>> query, String type, byte[] body, long limit) {
        if (body.length > limit) {
            throw tooLarge();
        }
        if (body.length == 0) {
            return new Params(query, null);
        }
        try {
            Charset charset = charset(type);
            return new Params(query, form(new String(body, charset), charset));
        } catch (RuntimeException e) {
            throw new ApiError(ApiError.Type.BAD_DATA, "error parsing form values: " + e.getMessage());
        }
    }

    /** Prometheus's answer to a form body over the limit. */
    public static ApiError tooLarge() {
        return new ApiError(ApiError.Type.BAD_DATA, "error parsing form values: http: POST too large",
                io.promethium.web.internal.metrics.Refusals.FORM_BODY_SIZE);
    }

    /** A form body's parameters; a bad percent escape throws {@link IllegalArgumentException}. */
    public static Map<String, List<String>> form(String text, Charset charset) {
        return decode(text, charset, true, false);
    }

    private static Map<String, List<String>> decode(String text, Charset charset, boolean form, boolean lenient) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return values;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                add(values, decode(pair.substring(0, equals), charset, lenient), decode(pair.substring(equals + 1), charset, lenient));
            } else if ((equals < 0 || form) && !pair.isEmpty()) {
                // The form reader keeps "=x" as a name; the query reader drops it.
                add(values, decode(pair, charset, lenient), "");
            }
        }
        return values;
    }

    private static String decode(String s, Charset charset, boolean lenient) {
        try {
            return URLDecoder.decode(s, charset);
        } catch (IllegalArgumentException e) {
            if (lenient) {
                return s;
            }
            throw e;
        }
    }

    private static void add(Map<String, List<String>> values, String name, String value) {
        values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    }

    /** {@code application/x-www-form-urlencoded}, with parameters or not, or a wildcard (JAX-RS's {@code isCompatible}). */
    public static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        int slash = bare.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String type = bare.substring(0, slash);
        String subtype = bare.substring(slash + 1);
        return (type.equals("*") || type.equals("application")) && (subtype.equals("*") || subtype.equals("x-www-form-urlencoded"));
    }

    /** The {@code charset} parameter of a content type; UTF-8 when absent or unknown. */
    public static Charset charset(String contentType) {
        for (String parameter : contentType.split(";")) {
            String p = parameter.strip();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                try {
                    return Charset.forName(p.substring(8).replace("\"", "").strip());
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
