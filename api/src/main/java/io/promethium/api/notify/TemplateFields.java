package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.util.Map;

/**
 * A receiver's templated fields, checked when the config is loaded and rendered at send time,
 * each error naming its field ({@code title: template: ...}) so a user knows which of a
 * block's templates is wrong.
 *
 * @since 1.4
 */
public final class TemplateFields {

    private TemplateFields() {
    }

    /**
     * Parses each template of {@code templates} (field name to text; a null text is skipped).
     * A field may be a path ({@code details.summary}): the error is then placed at its top-level
     * field ({@code details}) and names the whole path. Does nothing when the context has no
     * renderer (a validation without templates).
     *
     * @throws ConfigException for the first template that does not parse, naming its field
     */
    public static void check(PluginConfig block, NotifierContext context, Map<String, String> templates)
            throws ConfigException {
        if (context.templates() == null) {
            return;
        }
        for (Map.Entry<String, String> e : templates.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            try {
                context.templates().check(e.getValue());
            } catch (ConfigException ex) {
                String name = e.getKey();
                int dot = name.indexOf('.');
                throw block.error(dot >= 0 ? name.substring(0, dot) : name, name + ": " + ex.getMessage());
            }
        }
    }

    /**
     * Renders {@code text}, the template of {@code field}, for {@code notification}; a null or
     * empty text is the empty string.
     *
     * @throws NotifyException not retryable, naming the field
     */
    public static String render(NotifierContext context, String field, String text, Notification notification)
            throws NotifyException {
        if (text == null || text.isEmpty()) {
            return "";
        }
        try {
            return context.templates().render(text, notification);
        } catch (NotifyException e) {
            throw NotifyException.doNotRetry(field + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renders {@code text}, the template of {@code field}, with Alertmanager's HTML escaping
     * ({@link TemplateRenderer#renderHtml}); a null or empty text is the empty string.
     *
     * @throws NotifyException not retryable, naming the field
     * @since 1.5
     */
    public static String renderHtml(NotifierContext context, String field, String text, Notification notification)
            throws NotifyException {
        if (text == null || text.isEmpty()) {
            return "";
        }
        try {
            return context.templates().renderHtml(text, notification);
        } catch (NotifyException e) {
            throw NotifyException.doNotRetry(field + ": " + e.getMessage(), e);
        }
    }
}
