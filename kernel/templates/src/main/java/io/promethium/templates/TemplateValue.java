package io.promethium.templates;

import java.util.List;

/**
 * A value with Go-style fields and methods, for data objects templates walk ({@code .Labels},
 * {@code .Alerts.Firing}, {@code .CommonLabels.Remove .GroupLabels.Names}). A value that is also a
 * {@link java.util.List} or {@link java.util.Map} ranges, prints and counts as one.
 */
public interface TemplateValue {

    /** Returned by {@link #field} when the name is neither a field nor a method without arguments. */
    Object NO_FIELD = new Object();

    /** The field or argument-less method {@code name}, or {@link #NO_FIELD}. */
    Object field(String name) throws TemplateException;

    /** A method called with arguments; by default there is none. */
    default Object call(String method, List<Object> args) throws TemplateException {
        throw new TemplateException("can't call method/function \"" + method + "\" with " + args.size() + " args");
    }

    /** The Go type name, for error messages ({@code template.Data}). */
    String typeName();

    /**
     * What Go's {@code encoding/json} writes for this value ({@code toJson}, a value in a
     * {@code <script>}): a {@link java.util.SequencedMap} of a Go struct's JSON field names in
     * order, a string, a list...; {@link #NO_FIELD} (the default) when the value is written as
     * the {@link java.util.Map} or {@link java.util.List} it is.
     */
    default Object json() {
        return NO_FIELD;
    }

    /**
     * The result of the Go type's {@code String} method where it has one and is no JSON
     * marshaller (html/template writes such a value in JavaScript as that string); null where
     * it has none.
     */
    default String stringer() {
        return null;
    }
}
