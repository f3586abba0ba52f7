package io.promethium.notifiers.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;

/**
 * Calls the Bot API's {@code sendMessage} ({@code POST <api_url>/bot<token>/sendMessage}) with
 * the JSON Alertmanager's bot library sends: every value a string ({@code chat_id},
 * {@code text}, {@code parse_mode} when set, {@code disable_web_page_preview},
 * {@code disable_notification} and {@code message_thread_id} when set). Text is cut to 4096
 * characters; in HTML mode a longer text is replaced by a notice instead (a cut would break the
 * markup; the notice's tabs are Alertmanager's). The API answers {@code {"ok":false,"error_code":..,"description":..}} on failure: the
 * description is shown; 429 (flood control) and 5xx are retried, other answers are not.
 */
final class TelegramNotifier implements Notifier {

    static final int MAX_MESSAGE_RUNES = 4096;
    static final String TOO_LONG = "Alertmanager notification could not be sent: message length exceeds Telegram limits.\n"
            + "\t\t\tPlease check the template used for producing the message content.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Telegram").retrying(429).describing(TelegramNotifier::describe);

    private final TelegramNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    TelegramNotifier(TelegramNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    /** The API's own description of a failure, else the body cut. */
    static String describe(String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            if (answer != null && answer.hasNonNull("description")) {
                return answer.get("description").asText();
            }
        } catch (IOException e) {
            // not JSON: shown as is
        }
        return HttpDelivery.cut(body);
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        HttpDelivery.timeLeft(deadline);
        byte[] body = payload(n, chatId());
        String token = settings.botToken().read();
        String base = settings.apiUrl().toString();
        URI url = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/bot" + token + "/sendMessage");
        HttpResponse<String> answer = DELIVERY.send(client, HttpDelivery.jsonPost(url, body, HttpDelivery.timeLeft(deadline)).build());
        try {
            JsonNode ok = JSON.readTree(answer.body() == null ? "" : answer.body());
            if (ok != null && ok.has("ok") && !ok.get("ok").asBoolean()) {
                throw NotifyException.doNotRetry("error response from Telegram: " + describe(answer.body()), null);
            }
        } catch (IOException e) {
            throw NotifyException.doNotRetry("could not read Telegram's answer: " + HttpDelivery.cut(answer.body()), e);
        }
    }

    private long chatId() throws NotifyException {
        if (settings.chatIdFile() == null) {
            return settings.chatId();
        }
        try {
            return Long.parseLong(Files.readString(settings.chatIdFile(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw NotifyException.retryLater("chat_id_file " + settings.chatIdFile() + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw NotifyException.retryLater("could not parse chat_id from " + settings.chatIdFile(), e);
        }
    }

    byte[] payload(Notification n, long chatId) throws NotifyException {
        // parse_mode HTML: Alertmanager renders the message with Go's html/template, values escaped.
        String text = settings.parseMode().equals("HTML")
                ? TemplateFields.renderHtml(context, "message", settings.message(), n)
                : TemplateFields.render(context, "message", settings.message(), n);
        if (Runes.longerThan(text, MAX_MESSAGE_RUNES)) {
            if (settings.parseMode().equals("HTML")) {
                text = TOO_LONG;
            } else {
                text = Runes.truncate(text, MAX_MESSAGE_RUNES);
                context.logger().warning("Telegram message truncated to " + MAX_MESSAGE_RUNES + " characters");
            }
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("chat_id", Long.toString(chatId));
        m.put("text", text);
        if (!settings.parseMode().isEmpty()) {
            m.put("parse_mode", settings.parseMode());
        }
        m.put("disable_web_page_preview", "true");
        if (settings.disableNotifications()) {
            m.put("disable_notification", "true");
        }
        if (settings.messageThreadId() != 0) {
            m.put("message_thread_id", Long.toString(settings.messageThreadId()));
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Telegram message: " + e.getMessage(), e);
        }
    }
}
