package io.promethium.notifiers.slack;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code slack_configs} block with Alertmanager's defaults (the
 * {@code slack.default.*} templates, the danger/good colour) and the {@code global}
 * {@code slack_api_url}/{@code slack_api_url_file} fallback. {@code http_config} is the kernel
 * HTTP client's (the bot token of {@code chat.postMessage} goes in its {@code authorization}).
 */
record SlackSettings(URI apiUrl, Path apiUrlFile, String appToken, Path appTokenFile, String messageText,
                     java.time.Duration timeout, String channel, String username, String color, String title,
                     String titleLink, String pretext, String text, List<Field> fields, boolean shortFields,
                     List<Action> actions, String footer, String fallback, String callbackId, String iconEmoji,
                     String iconUrl, String imageUrl, String thumbUrl, boolean linkNames, List<String> mrkdwnIn,
                     boolean updateMessage) {

    /** The only {@code api_url} {@code update_message} works with (a bot token's Web API), as Alertmanager requires. */
    static final String POST_MESSAGE = "https://slack.com/api/chat.postMessage";
    /** Where an earlier message is edited; Alertmanager's fixed URL. */
    static final String UPDATE = "https://slack.com/api/chat.update";

    static final Set<String> FIELDS = Set.of("api_url", "api_url_file", "app_token", "app_token_file", "app_url",
            "message_text", "timeout", "channel", "username", "color", "title",
            "title_link", "pretext", "text", "fields", "short_fields", "actions", "footer", "fallback", "callback_id",
            "icon_emoji", "icon_url", "image_url", "thumb_url", "link_names", "mrkdwn_in", "http_config", "update_message");

    /** A {@code fields} entry; {@code shortField} null means the block's {@code short_fields}. */
    record Field(String title, String value, Boolean shortField) {
    }

    /** An {@code actions} entry; {@code confirm} may be null. */
    record Action(String type, String text, String url, String style, String name, String value, Confirm confirm) {
    }

    record Confirm(String title, String text, String okText, String dismissText) {
    }

    /** Every template of the block, for validation. */
    List<String> templates() {
        List<String> all = new ArrayList<>(List.of(messageText, channel, username, color, title, titleLink, pretext, text, footer,
                fallback, callbackId, iconEmoji, iconUrl, imageUrl, thumbUrl));
        for (Field f : fields) {
            all.add(f.title());
            all.add(f.value());
        }
        for (Action a : actions) {
            all.addAll(List.of(a.text(), a.url(), a.style(), a.name(), a.value()));
            if (a.confirm() != null) {
                all.addAll(List.of(a.confirm().title(), a.confirm().text(), a.confirm().okText(), a.confirm().dismissText()));
            }
        }
        return all;
    }

    static SlackSettings parse(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String url = c.string("api_url", null);
        boolean updateMessage = c.bool("update_message", false);
        if (updateMessage && !POST_MESSAGE.equals(url)) {
            throw c.error("update_message", "update_message can only be used with bot tokens. api_url must be set to " + POST_MESSAGE);
        }
        String urlFile = c.string("api_url_file", null);
        String token = c.string("app_token", null);
        String tokenFile = c.string("app_token_file", null);
        if (url != null && urlFile != null) {
            throw c.error("at most one of api_url & api_url_file must be configured");
        }
        if (token != null && tokenFile != null) {
            throw c.error("at most one of app_token & app_token_file must be configured");
        }
        if ((url != null || urlFile != null) && (token != null || tokenFile != null)) {
            throw c.error("at most one of api_url/api_url_file & app_token/app_token_file must be configured");
        }
        PluginConfig ownHttp = c.block("http_config");
        // As Alertmanager: the global app token only when the block has no token, no authorization and no URL of its own.
        if (token == null && tokenFile == null && (ownHttp == null || !ownHttp.has("authorization")) && url == null) {
            token = context.globalString("slack_app_token");
            tokenFile = context.globalString("slack_app_token_file");
        }
        if (url == null && urlFile == null) {
            url = context.globalString("slack_api_url");
            urlFile = context.globalString("slack_api_url_file");
        }
        if (url == null && urlFile == null && token == null && tokenFile == null) {
            throw c.error("no Slack API URL nor App token set either inline or in a file (api_url, api_url_file, app_token, "
                    + "app_token_file or global slack_api_url, slack_app_token)");
        }
        if (token != null || tokenFile != null) {
            if (context.httpConfig(c).has("authorization")) {
                throw c.error("http authorization can't be set when using Slack App tokens");
            }
            String appUrl = c.string("app_url", context.globalString("slack_app_url"));
            url = appUrl == null ? "https://slack.com/api/chat.postMessage" : appUrl;
            urlFile = null;
        }
        URI uri = url == null ? null : parseUrl(c, url);
        List<Field> fields = new ArrayList<>();
        for (PluginConfig f : blocks(c, "fields")) {
            f.requireOnly(Set.of("title", "value", "short"));
            String title = f.string("title", "");
            String value = f.string("value", "");
            if (title.isEmpty()) {
                throw f.error("missing title in Slack field configuration");
            }
            if (value.isEmpty()) {
                throw f.error("missing value in Slack field configuration");
            }
            fields.add(new Field(title, value, f.values().get("short") == null ? null : f.bool("short", false)));
        }
        List<Action> actions = new ArrayList<>();
        for (PluginConfig a : blocks(c, "actions")) {
            a.requireOnly(Set.of("type", "text", "url", "style", "name", "value", "confirm"));
            String type = a.string("type", "");
            String text = a.string("text", "");
            String aUrl = a.string("url", "");
            String name = a.string("name", "");
            if (type.isEmpty()) {
                throw a.error("missing type in Slack action configuration");
            }
            if (text.isEmpty()) {
                throw a.error("missing text in Slack action configuration");
            }
            if (aUrl.isEmpty() && name.isEmpty()) {
                throw a.error("missing name or url in Slack action configuration");
            }
            Confirm confirm = null;
            Object raw = a.values().get("confirm");
            if (raw != null) {
                PluginConfig cf = block(a, "confirm", raw);
                cf.requireOnly(Set.of("title", "text", "ok_text", "dismiss_text"));
                String ct = cf.string("text", "");
                if (ct.isEmpty()) {
                    throw cf.error("missing text in Slack confirmation configuration");
                }
                confirm = new Confirm(cf.string("title", ""), ct, cf.string("ok_text", ""), cf.string("dismiss_text", ""));
            }
            actions.add(new Action(type, text, aUrl, a.string("style", ""), name, a.string("value", ""), confirm));
        }
        return new SlackSettings(uri, urlFile == null ? null : context.configDirectory().resolve(urlFile), token,
                tokenFile == null ? null : context.configDirectory().resolve(tokenFile), c.string("message_text", ""),
                c.duration("timeout", java.time.Duration.ZERO),
                c.string("channel", ""),
                c.string("username", "{{ template \"slack.default.username\" . }}"),
                c.string("color", "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}"),
                c.string("title", "{{ template \"slack.default.title\" . }}"),
                c.string("title_link", "{{ template \"slack.default.titlelink\" . }}"),
                c.string("pretext", "{{ template \"slack.default.pretext\" . }}"),
                c.string("text", "{{ template \"slack.default.text\" . }}"),
                List.copyOf(fields), c.bool("short_fields", false), List.copyOf(actions),
                c.string("footer", "{{ template \"slack.default.footer\" . }}"),
                c.string("fallback", "{{ template \"slack.default.fallback\" . }}"),
                c.string("callback_id", "{{ template \"slack.default.callbackid\" . }}"),
                c.string("icon_emoji", "{{ template \"slack.default.iconemoji\" . }}"),
                c.string("icon_url", "{{ template \"slack.default.iconurl\" . }}"),
                c.string("image_url", ""), c.string("thumb_url", ""), c.bool("link_names", false),
                c.strings("mrkdwn_in"), updateMessage);
    }

    static URI parseUrl(PluginConfig c, String url) throws ConfigException {
        return NotifierUrls.parse(c, "api_url", url, true); // the URL is a secret: not echoed
    }

    private static List<PluginConfig> blocks(PluginConfig c, String name) throws ConfigException {
        Object raw = c.values().get(name);
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            throw c.error(name + ": expected a list");
        }
        List<PluginConfig> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(block(c, name + "[" + i + "]", list.get(i)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static PluginConfig block(PluginConfig parent, String name, Object raw) throws ConfigException {
        if (!(raw instanceof Map<?, ?> map)) {
            throw parent.error(name + ": expected a mapping");
        }
        return new PluginConfig(parent.key() + "." + name, (Map<String, Object>) map, parent.location());
    }
}
