package io.promethium.notifiers.wechat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifierUrls;
import io.promethium.api.notify.SecretField;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code wechat_configs}: Alertmanager's WeChat Work integration. {@code api_url},
 * {@code api_secret[_file]} and {@code corp_id} fall back to the globals {@code wechat_api_url},
 * {@code wechat_api_secret[_file]} and {@code wechat_api_corp_id}; {@code message},
 * {@code to_user}, {@code to_party}, {@code to_tag} and {@code agent_id} default to the
 * {@code wechat.default.*} templates; {@code message_type} is {@code text} (default) or
 * {@code markdown}. {@code send_resolved} defaults to false.
 */
@Component(service = NotifierFactory.class)
public final class WeChatNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("api_secret", "api_secret_file", "corp_id", "message", "api_url", "to_user",
            "to_party", "to_tag", "agent_id", "message_type", "http_config");

    /** One validated block. */
    record Settings(URI apiUrl, SecretField apiSecret, String corpId, String message, String toUser, String toParty,
                    String toTag, String agentId, String messageType) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            if (apiSecret.value() != null) {
                t.put("api_secret", apiSecret.value());
            }
            t.put("corp_id", corpId);
            t.put("message", message);
            t.put("to_user", toUser);
            t.put("to_party", toParty);
            t.put("to_tag", toTag);
            t.put("agent_id", agentId);
            return t;
        }
    }

    @Override
    public String type() {
        return "wechat";
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("api_secret");
    }

    static Settings settings(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String type = c.string("message_type", "");
        if (type.isEmpty()) {
            type = "text";
        }
        if (!type.equals("text") && !type.equals("markdown")) {
            throw c.error("message_type", "weChat message type \"" + type + "\" does not match valid options ^(text|markdown)$");
        }
        SecretField secret = SecretField.of(c, context, "api_secret", "wechat_api_secret");
        if (secret == null) {
            throw c.error("no global Wechat Api Secret set either inline or in a file");
        }
        String corpId = c.string("corp_id", context.globalString("wechat_api_corp_id"));
        if (corpId == null || corpId.isEmpty()) {
            throw c.error("no global Wechat CorpID set");
        }
        String url = c.string("api_url", context.globalString("wechat_api_url"));
        if (url == null) {
            throw c.error("no global Wechat URL set");
        }
        URI apiUrl = NotifierUrls.parse(c, "api_url", url, false);
        if (!apiUrl.getPath().endsWith("/")) {
            apiUrl = apiUrl.resolve(apiUrl.getRawPath() + "/");
        }
        return new Settings(apiUrl, secret, corpId,
                c.string("message", "{{ template \"wechat.default.message\" . }}"),
                c.string("to_user", "{{ template \"wechat.default.to_user\" . }}"),
                c.string("to_party", "{{ template \"wechat.default.to_party\" . }}"),
                c.string("to_tag", "{{ template \"wechat.default.to_tag\" . }}"),
                c.string("agent_id", "{{ template \"wechat.default.agent_id\" . }}"), type);
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config, context);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        return new WeChatNotifier(settings(config, context), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }
}
