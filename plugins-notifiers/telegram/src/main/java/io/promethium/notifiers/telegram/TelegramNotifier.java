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
 * description is shown; 429 (flood control) and 5xx are retried, other 4xx are not. A 2xx answer
 * whose body is not {@code "ok": true} (not JSON, cut, no {@code ok}) fails and is retried, as
 * Alertmanager retries every failure of its bot library ({@link #checkAnswer}).
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
        checkAnswer(answer.body());
    }

    /**
     * A 2xx answer is a success only when its JSON says {@code "ok": true}, as Alertmanager's bot
     * library reads it; anything else (HTML from a proxy, a cut body, {@code ok:false}, no
     * {@code ok}) is a failure retried as Alertmanager retries every Telegram failure, except
     * {@code ok:false} with a 4xx {@code error_code} other than 429, not retried as the same
     * answer with that status is not (this plugin's one difference, see the class comment).
     */
    static void checkAnswer(String body) throws NotifyException {
        JsonNode answer;
        try {
            answer = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw NotifyException.retryLater("could not read Telegram's answer: " + HttpDelivery.cut(body), null);
        }
        if (answer != null && answer.path("ok").asBoolean(false)) {
            return;
        }
        if (answer == null || !answer.isObject()) {
            throw NotifyException.retryLater("could not read Telegram's answer: " + HttpDelivery.cut(body), null);
        }
        int code = answer.path("error_code").asInt(0);
        String message = "error response from Telegram: " + describe(body) + (code == 0 ? "" : " (" + code + ")");
        if (code / 100 == 4 && code != 429) {
            throw NotifyException.doNotRetry(message, null);
        }
        throw NotifyException.retryLater(message, null);
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
