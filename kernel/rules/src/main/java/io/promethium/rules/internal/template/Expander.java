package io.promethium.rules.internal.template;

import io.promethium.templates.ExecutionContext;
import io.promethium.templates.QueryFunction;
import io.promethium.templates.Template;
import io.promethium.templates.TemplateException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Expands an alerting rule's label or annotation templates as Prometheus does: the text is
 * prefixed with definitions of {@code $labels}, {@code $externalLabels}, {@code $externalURL} and
 * {@code $value}, and a failure yields {@code <error expanding template: ...>} together with the
 * error, so the caller can mark the rule unhealthy without dropping the alert.
 */
public final class Expander {

    /** The variable definitions Prometheus puts before every alert template. */
    public static final String HEADER = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
            + "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

    private Expander() {
    }

    /** The outcome of one expansion: the text, and the error if it failed. */
    public record Result(String text, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    /** Parses a template as an alert template would be parsed, for validation at load time. */
    public static Template parse(String name, String text) throws TemplateException {
        return Template.parse(name, HEADER + text);
    }

    /** Expands {@code text} as of now; never throws. Text without {@code {{} is returned as is. */
    public static Result expand(String name, String text, TemplateData data, QueryFunction query) {
        return expand(name, text, data, query, Instant.now());
    }

    /**
     * Expands {@code text} for the rule evaluation at {@code evaluationTime} (the template's
     * {@code now}); never throws. Text without {@code {{} is returned as is.
     */
    public static Result expand(String name, String text, TemplateData data, QueryFunction query, Instant evaluationTime) {
        Objects.requireNonNull(text, "text is null");
        if (!text.contains("{{")) {
            return new Result(text, null);
        }
        try {
            String out = parse(name, text).execute(data, ExecutionContext.rule(query, data.externalUrl(), evaluationTime));
            return new Result(out, null);
        } catch (TemplateException e) {
            String error = "error expanding template " + name + ": " + e.getMessage();
            return new Result("<error expanding template: " + e.getMessage() + ">", error);
        } catch (RuntimeException e) {
            String error = "error expanding template " + name + ": " + e;
            return new Result("<error expanding template: " + e + ">", error);
        }
    }

    /**
     * Expands an already parsed alert template (see {@link #parse}) for the rule evaluation at
     * {@code evaluationTime}, which Prometheus gives its template expander (the template's
     * {@code now}); never throws.
     */
    public static Result expand(Template template, TemplateData data, QueryFunction query, Instant evaluationTime) {
        try {
            return new Result(template.execute(data, ExecutionContext.rule(query, data.externalUrl(), evaluationTime)), null);
        } catch (TemplateException e) {
            String error = "error expanding template " + template.name() + ": " + e.getMessage();
            return new Result("<error expanding template: " + e.getMessage() + ">", error);
        } catch (RuntimeException e) {
            String error = "error expanding template " + template.name() + ": " + e;
            return new Result("<error expanding template: " + e + ">", error);
        }
    }

    /** A data object for alert templates. */
    public static TemplateData data(Map<String, String> labels, Map<String, String> externalLabels, String externalUrl,
                                    double value) {
        return new TemplateData(labels, externalLabels, externalUrl, value);
    }
}
