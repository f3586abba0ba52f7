package io.promethium.notifiers.email;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import org.osgi.service.component.annotations.Component;

/**
 * {@code email_configs}: Alertmanager's email integration. Fields: to, from, smarthost, hello,
 * auth_username, auth_password, auth_password_file, auth_secret, auth_secret_file, auth_identity, require_tls,
 * force_implicit_tls, tls_config, headers, html, text, threading; the {@code global} {@code smtp_*} values
 * are their defaults ({@code smtp_tls_config} that of tls_config).
 * {@code send_resolved} defaults to false (read by the kernel).
 */
@Component(service = NotifierFactory.class)
public final class EmailNotifierFactory implements NotifierFactory {

    @Override
    public String type() {
        return "email";
    }

    @Override
    public java.util.Set<String> secretFields() {
        return java.util.Set.of("auth_password", "auth_secret");
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        EmailSettings settings = EmailSettings.parse(config, context);
        // Each template error names its field and the block's file:line:col.
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("to", settings.to());
        fields.put("from", settings.from());
        settings.headers().forEach((name, text) -> fields.put("headers." + name, text));
        fields.put("html", settings.html());
        fields.put("text", settings.text());
        io.promethium.api.notify.TemplateFields.check(config, context, fields);
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new EmailNotifier(EmailSettings.parse(config, context), context);
    }
}
