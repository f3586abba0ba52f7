package io.promethium.notifiers.telegram;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.SecretField;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code telegram_configs}: Alertmanager's Telegram bot integration. {@code api_url} falls back
 * to the global {@code telegram_api_url}, {@code bot_token[_file]} to the global
 * {@code telegram_bot_token[_file]}; exactly one of {@code chat_id} and {@code chat_id_file};
 * {@code message_thread_id}, {@code disable_notifications}, {@code parse_mode} ({@code HTML} by
 * default, {@code Markdown}, {@code MarkdownV2} or empty) and {@code message} (the
 * {@code telegram.default.message} template); {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class TelegramNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("api_url", "bot_token", "bot_token_file", "chat_id", "chat_id_file",
            "message_thread_id", "message", "disable_notifications", "parse_mode", "http_config");

    /** One validated block; {@code chatIdFile} null when {@code chatId} is given. */
    record Settings(URI apiUrl, SecretField botToken, long chatId, Path chatIdFile, long messageThreadId, String message,
                    boolean disableNotifications, String parseMode) {
    }

    @Override
    public String type() {
        return "telegram";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("bot_token");
    }

    static Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        SecretField token = SecretField.of(c, context, "bot_token", "telegram_bot_token");
        if (token == null) {
            throw c.error("missing bot_token or bot_token_file on telegram_config");
        }
        long chatId = c.integer("chat_id", 0);
        String chatIdFile = c.string("chat_id_file", null);
        if (chatId == 0 && chatIdFile == null) {
            throw c.error("missing chat_id or chat_id_file on telegram_config");
        }
        if (chatId != 0 && chatIdFile != null) {
            throw c.error("at most one of chat_id & chat_id_file must be configured");
        }
        String parseMode = c.string("parse_mode", "HTML");
        if (!parseMode.isEmpty() && !parseMode.equals("Markdown") && !parseMode.equals("MarkdownV2") && !parseMode.equals("HTML")) {
            throw c.error("parse_mode", "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string");
        }
        String url = c.string("api_url", context.globalString("telegram_api_url"));
        if (url == null) {
            throw c.error("no global Telegram API URL set");
        }
        return new Settings(NotifierUrls.parse(c, "api_url", url, false), token, chatId,
                chatIdFile == null ? null : context.configDirectory().resolve(chatIdFile),
                c.integer("message_thread_id", 0), c.string("message", "{{ template \"telegram.default.message\" . }}"),
                c.bool("disable_notifications", false), parseMode);
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, Map.of("message", settings.message()));
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new TelegramNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
