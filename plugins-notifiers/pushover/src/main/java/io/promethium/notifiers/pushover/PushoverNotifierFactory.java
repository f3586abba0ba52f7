package io.promethium.notifiers.pushover;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.SecretField;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code pushover_configs}: Alertmanager's Pushover integration. Exactly one of {@code user_key}
 * and {@code user_key_file}, and of {@code token} and {@code token_file}; {@code title},
 * {@code message} and {@code url} default to the {@code pushover.default.*} templates,
 * {@code priority} to emergency (2) while firing and normal (0) once resolved, {@code retry} to
 * 1m and {@code expire} to 1h (how often and how long Pushover repeats an emergency);
 * {@code url_title}, {@code device}, {@code sound}, {@code ttl}, and at most one of
 * {@code html} and {@code monospace}. {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class PushoverNotifierFactory implements NotifierFactory {

    /** Pushover's messages API; Alertmanager has no setting for it. */
    static final URI API_URL = URI.create("https://api.pushover.net/1/messages.json");
    static final Set<String> FIELDS = Set.of("user_key", "user_key_file", "token", "token_file", "title", "message", "url",
            "url_title", "device", "sound", "priority", "retry", "expire", "ttl", "html", "monospace", "http_config");

    private final URI apiUrl;

    public PushoverNotifierFactory() {
        this(API_URL);
    }

    /** For tests: the messages API at another address (a loopback stand-in). */
    PushoverNotifierFactory(URI apiUrl) {
        this.apiUrl = apiUrl;
    }

    /** One validated block. */
    record Settings(URI apiUrl, SecretField userKey, SecretField token, String title, String message, String url,
                    String urlTitle, String device, String sound, String priority, Duration retry, Duration expire,
                    Duration ttl, boolean html, boolean monospace) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            for (String[] e : new String[][] {{"title", title}, {"message", message}, {"url", url}, {"url_title", urlTitle},
                    {"device", device}, {"sound", sound}, {"priority", priority}}) {
                t.put(e[0], e[1]);
            }
            if (userKey.value() != null) {
                t.put("user_key", userKey.value());
            }
            if (token.value() != null) {
                t.put("token", token.value());
            }
            return t;
        }
    }

    @Override
    public String type() {
        return "pushover";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("user_key", "token");
    }

    Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        SecretField user = SecretField.of(c, context, "user_key", null);
        if (user == null) {
            throw c.error("one of user_key or user_key_file must be configured");
        }
        SecretField token = SecretField.of(c, context, "token", null);
        if (token == null) {
            throw c.error("one of token or token_file must be configured");
        }
        boolean html = c.bool("html", false);
        boolean monospace = c.bool("monospace", false);
        if (html && monospace) {
            throw c.error("at most one of monospace & html must be configured");
        }
        return new Settings(apiUrl, user, token,
                c.string("title", "{{ template \"pushover.default.title\" . }}"),
                c.string("message", "{{ template \"pushover.default.message\" . }}"),
                c.string("url", "{{ template \"pushover.default.url\" . }}"),
                c.string("url_title", ""), c.string("device", ""), c.string("sound", ""),
                c.string("priority", "{{ if eq .Status \"firing\" }}2{{ else }}0{{ end }}"),
                c.duration("retry", Duration.ofMinutes(1)), c.duration("expire", Duration.ofHours(1)),
                c.duration("ttl", Duration.ZERO), html, monospace);
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new PushoverNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
