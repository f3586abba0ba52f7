package io.promethium.templates.notification;

import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateRenderer;
import io.promethium.api.model.Labels;
import io.promethium.templates.Dialect;
import io.promethium.templates.ExecutionContext;
import io.promethium.templates.Template;
import io.promethium.templates.TemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The notification template set of one {@code alertmanager.yml}: Alertmanager's own default
 * templates ({@code default.tmpl}, {@code email.tmpl}; Apache License 2.0, shipped as resources
 * with its licence) with the sender's name changed ({@code promethium.tmpl}), overlaid with the
 * config's {@code templates:} files, in order. Parsed texts are cached. Immutable apart from the
 * cache; thread-safe.
 */
public final class NotificationTemplates implements TemplateRenderer {

    /** The built-in templates, resources of this bundle, parsed in this order. */
    static final List<String> DEFAULTS = List.of("default.tmpl", "email.tmpl", "promethium.tmpl");
    private static final int MAX_CACHED = 1024;

    private final Template base;
    private final Clock clock;
    private final Map<String, Template> cache = new ConcurrentHashMap<>();

    private NotificationTemplates(Template base, Clock clock) {
        this.base = base;
        this.clock = clock;
    }

    /** The defaults only. */
    public static NotificationTemplates defaults() {
        try {
            return load(List.of(), Clock.systemUTC());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in templates do not parse", e);
        }
    }

    /** The defaults overlaid with {@code files}, each failing with its name and line. */
    public static NotificationTemplates load(List<Path> files, Clock clock) throws ConfigException {
        Objects.requireNonNull(clock, "clock is null");
        Template base = null;
        for (String resource : DEFAULTS) {
            try (InputStream in = NotificationTemplates.class.getResourceAsStream(resource)) {
                base = Template.parse(resource, new String(Objects.requireNonNull(in, resource).readAllBytes(),
                        StandardCharsets.UTF_8), Dialect.ALERTMANAGER, base);
            } catch (IOException | TemplateException e) {
                throw new IllegalStateException("built-in templates: " + e.getMessage(), e);
            }
        }
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(file + ": cannot read template file: " + e.getMessage());
            }
            try {
                base = Template.parse(file.getFileName().toString(), text, Dialect.ALERTMANAGER, base);
            } catch (TemplateException e) {
                throw new ConfigException(file + ": " + e.getMessage());
            }
        }
        return new NotificationTemplates(base, clock);
    }

    /** Whether {@code {{ define "name" }}} exists. */
    public boolean defines(String name) {
        return base.defines(name);
    }

    @Override
    public void check(String text) throws ConfigException {
        try {
            parsed(text);
        } catch (TemplateException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    @Override
    public String render(String text, Notification notification) throws NotifyException {
        try {
            return parsed(text).execute(NotificationData.of(notification, clock.instant()),
                    ExecutionContext.notification(notification.externalUrl(), clock));
        } catch (TemplateException | RuntimeException e) {
            throw NotifyException.doNotRetry("template: " + e.getMessage(), e);
        }
    }

    @Override
    public String renderHtml(String text, Notification notification) throws NotifyException {
        try {
            return parsed(text).executeHtml(NotificationData.of(notification, clock.instant()),
                    ExecutionContext.notification(notification.externalUrl(), clock));
        } catch (TemplateException | RuntimeException e) {
            throw NotifyException.doNotRetry("template: " + e.getMessage(), e);
        }
    }

    /** Renders a named template ({@code define}) for a notification. */
    public String renderDefinition(String name, Notification notification) throws NotifyException {
        try {
            return base.executeDefinition(name, NotificationData.of(notification, clock.instant()),
                    ExecutionContext.notification(notification.externalUrl(), clock));
        } catch (TemplateException | RuntimeException e) {
            throw NotifyException.doNotRetry("template: " + e.getMessage(), e);
        }
    }

    /**
     * Renders a route's {@code labels} for a notification of {@code notification}'s alerts, as
     * Alertmanager's dispatcher does before each flush: every value is a text template over the
     * group's data (its route labels unrendered, so one may call {@code routeLabels} for
     * another, each rendered once, a cycle an error); a label that fails is left out and given
     * to {@code failed} with its error.
     */
    public Labels renderRouteLabels(Labels routeLabels, Notification notification, BiConsumer<String, String> failed) {
        if (routeLabels.isEmpty()) {
            return Labels.EMPTY;
        }
        NotificationData rendered = NotificationData.of(notification, clock.instant());
        NotificationData data = new NotificationData(rendered.receiver(), rendered.status(), rendered.alerts(),
                rendered.groupLabels(), rendered.commonLabels(), rendered.commonAnnotations(), NotificationData.kv(routeLabels),
                rendered.externalUrl(), false, rendered.notificationReason());
        Map<String, String> out = base.renderRouteLabels(data, ExecutionContext.notification(notification.externalUrl(), clock),
                (label, e) -> failed.accept(label, e.getMessage()));
        Labels.Builder b = Labels.builder();
        out.forEach(b::set);
        return b.build();
    }

    private Template parsed(String text) throws TemplateException {
        Template t = cache.get(text);
        if (t == null) {
            t = Template.parse("text", text, Dialect.ALERTMANAGER, base);
            if (cache.size() < MAX_CACHED) {
                cache.put(text, t);
            }
        }
        return t;
    }
}
