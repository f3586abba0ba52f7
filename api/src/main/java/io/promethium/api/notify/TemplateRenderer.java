package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Alertmanager's notification templates: Go text/template with Alertmanager's data
 * ({@code .Receiver}, {@code .Status}, {@code .Alerts.Firing}, {@code .GroupLabels},
 * {@code .CommonLabels}, {@code .CommonAnnotations}, {@code .ExternalURL}) and functions
 * ({@code toUpper}, {@code join}, {@code safeHtml}, {@code reReplaceAll}, {@code date}, ...),
 * over the templates of the config's {@code templates:} files and the built-in defaults
 * ({@code {{ template "__subject" . }}}). Thread-safe.
 */
@ProviderType
public interface TemplateRenderer {

    /** Parses {@code text} (a config field), failing with what and where; for validation. */
    void check(String text) throws ConfigException;

    /** Expands {@code text} for one notification; a template error is a non-retryable failure. */
    String render(String text, Notification notification) throws NotifyException;

    /**
     * Expands {@code text} as Alertmanager's HTML templates (Go's html/template): each printed
     * value escaped for the HTML context it lands in. Alertmanager uses it for the email
     * {@code html} body, Telegram's {@code parse_mode: HTML} and Pushover's {@code html: true}.
     *
     * @since 1.5
     */
    String renderHtml(String text, Notification notification) throws NotifyException;
}
