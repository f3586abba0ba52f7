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
 * tls_config, headers, html, text; the {@code global} {@code smtp_*} values are their defaults.
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
        if (context.templates() != null) {
            for (String template : settings.templates()) {
                context.templates().check(template);
            }
            context.templates().check(settings.to());
            context.templates().check(settings.from());
        }
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new EmailNotifier(EmailSettings.parse(config, context), context);
    }
}
