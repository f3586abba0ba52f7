package io.promethium.testkit;

import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateRenderer;
import io.promethium.templates.notification.NotificationTemplates;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The server's own {@link TemplateRenderer} for a plugin's tests: the same Go text/template and
 * html/template engine, Alertmanager's data and functions, and its default templates
 * ({@code default.tmpl}, {@code email.tmpl}), so a notifier's test renders exactly what the server
 * would send. It wraps the engine so that a test imports no kernel package.
 */
public final class AlertmanagerTemplates implements TemplateRenderer {

    private final NotificationTemplates templates;

    /** For {@link java.util.ServiceLoader}: the defaults (see {@code TestNotifierContext}). */
    public AlertmanagerTemplates() {
        this(NotificationTemplates.defaults());
    }

    private AlertmanagerTemplates(NotificationTemplates templates) {
        this.templates = templates;
    }

    /** Alertmanager's default templates only. */
    public static AlertmanagerTemplates defaults() {
        return new AlertmanagerTemplates();
    }

    /**
     * The defaults overlaid with the {@code templates:} files of an {@code alertmanager.yml}, a
     * file that does not parse failing with its name and line.
     */
    public static AlertmanagerTemplates withFiles(List<Path> files) throws ConfigException {
        return new AlertmanagerTemplates(NotificationTemplates.load(files, Clock.systemUTC()));
    }

    /** Whether a template of that name is defined ({@code {{ define "slack.default.title" }}}). */
    public boolean defines(String name) {
        return templates.defines(name);
    }

    /** Renders a named template ({@code __subject}, {@code slack.default.text}, ...) for a notification. */
    public String renderDefinition(String name, Notification notification) throws NotifyException {
        return templates.renderDefinition(Objects.requireNonNull(name, "name is null"), notification);
    }

    @Override
    public void check(String text) throws ConfigException {
        templates.check(text);
    }

    @Override
    public String render(String text, Notification notification) throws NotifyException {
        return templates.render(text, notification);
    }

    @Override
    public String renderHtml(String text, Notification notification) throws NotifyException {
        return templates.renderHtml(text, notification);
    }
}
