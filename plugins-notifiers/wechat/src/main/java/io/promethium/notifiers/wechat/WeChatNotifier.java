package io.promethium.notifiers.wechat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Alertmanager's WeChat Work requests: an access token from
 * {@code GET <api_url>gettoken?corpid=..&corpsecret=..}, kept two hours, then
 * {@code POST <api_url>message/send?access_token=..} with {@code text} and {@code markdown}
 * (the message in the one of {@code message_type}), {@code touser}, {@code toparty},
 * {@code totag}, {@code agentid}, {@code safe: "0"} and {@code msgtype}. The API answers 200 with
 * {@code errcode}: 0 is delivered, 42001 (token expired) drops the token and is retried, any
 * other code is not retried. 5xx and 429 are retried.
 */
final class WeChatNotifier implements Notifier {

    static final Duration TOKEN_LIFE = Duration.ofHours(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("WeChat").retrying(429);

    private final WeChatNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;
    /** The access token and when it was fetched; guarded by {@code this}. */
    private String token;
    private Instant tokenAt = Instant.EPOCH;

    WeChatNotifier(WeChatNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private synchronized String token(Notification n, Instant deadline) throws NotifyException {
        if (token != null && Duration.between(tokenAt, Instant.now()).compareTo(TOKEN_LIFE) <= 0) {
            return token;
        }
        String secret = TemplateFields.render(context, "api_secret", settings.apiSecret().read(), n);
        String corpId = TemplateFields.render(context, "corp_id", settings.corpId(), n);
        URI url = settings.apiUrl().resolve("gettoken?corpid=" + q(corpId) + "&corpsecret=" + q(secret));
        HttpResponse<String> answer = DELIVERY.send(client, HttpRequest.newBuilder(url).timeout(HttpDelivery.timeLeft(deadline))
                .header("User-Agent", "Promethium").GET().build());
        String fetched;
        try {
            fetched = JSON.readTree(answer.body() == null ? "" : answer.body()).path("access_token").asText("");
        } catch (IOException e) {
            throw NotifyException.doNotRetry("could not read WeChat's token answer: " + HttpDelivery.cut(answer.body()), e);
        }
        if (fetched.isEmpty()) {
            throw NotifyException.doNotRetry("invalid APISecret for CorpID: " + corpId, null);
        }
        token = fetched;
        tokenAt = Instant.now();
        return token;
    }

    private synchronized void dropToken() {
        token = null;
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        HttpDelivery.timeLeft(deadline);
        byte[] body = payload(n);
        String accessToken = token(n, deadline);
        URI url = settings.apiUrl().resolve("message/send?access_token=" + q(accessToken));
        HttpResponse<String> answer = DELIVERY.send(client, HttpDelivery.jsonPost(url, body, HttpDelivery.timeLeft(deadline)).build());
        JsonNode reply;
        try {
            reply = JSON.readTree(answer.body() == null ? "" : answer.body());
        } catch (IOException e) {
            throw NotifyException.retryLater("could not read WeChat's answer: " + HttpDelivery.cut(answer.body()), e);
        }
        int code = reply == null ? -1 : reply.path("errcode").asInt(-1);
        if (code == 0) {
            return;
        }
        String message = "error response from WeChat: " + (reply == null ? "" : reply.path("errmsg").asText(""));
        if (code == 42001) {
            dropToken();
            throw NotifyException.retryLater(message, null);
        }
        throw NotifyException.doNotRetry(message, null);
    }

    byte[] payload(Notification n) throws NotifyException {
        String message = TemplateFields.render(context, "message", settings.message(), n);
        ObjectNode m = JSON.createObjectNode();
        m.putObject("text").put("content", settings.messageType().equals("markdown") ? "" : message);
        put(m, "touser", TemplateFields.render(context, "to_user", settings.toUser(), n));
        put(m, "toparty", TemplateFields.render(context, "to_party", settings.toParty(), n));
        put(m, "totag", TemplateFields.render(context, "to_tag", settings.toTag(), n));
        put(m, "agentid", TemplateFields.render(context, "agent_id", settings.agentId(), n));
        m.put("safe", "0");
        m.put("msgtype", settings.messageType());
        m.putObject("markdown").put("content", settings.messageType().equals("markdown") ? message : "");
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the WeChat message: " + e.getMessage(), e);
        }
    }

    private static void put(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }
}
