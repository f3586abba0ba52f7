package io.promethium.notifiers.telegram;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
 * markup; the notice's tabs are Alertmanager's).
 *
 * <p>Alertmanager 0.34 sends through telebot v3.3.8, which reads the answer's body whatever its
 * status, and returns {@code true} (retry) for every error telebot gives, so every failure is
 * retried here: 4xx as well as 429 and 5xx, a 2xx with {@code "ok": false}, and a body that is
 * not the API's answer ({@link #checkAnswer}). The API's {@code description} is shown. telebot
 * reads the body alone, whatever the status: an answer of any status whose body is the API's
 * success with the message ({@code {"ok":true,"result":{...}}}) is a message sent, as in 0.34.
 */
final class TelegramNotifier implements Notifier {

    static final int MAX_MESSAGE_RUNES = 4096;
    static final String TOO_LONG = "Alertmanager notification could not be sent: message length exceeds Telegram limits.\n"
            + "\t\t\tPlease check the template used for producing the message content.";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Go's {@code json.Unmarshal} refuses anything after the value. */
    private static final ObjectMapper WHOLE = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

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
        java.net.http.HttpRequest request = HttpDelivery.jsonPost(url, body, HttpDelivery.timeLeft(deadline)).build();
        HttpResponse<java.io.InputStream> streaming;
        try {
            streaming = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw NotifyException.retryLater("POST to Telegram (" + origin(url) + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NotifyException.doNotRetry("interrupted", e);
        }
        String answer = new String(HttpDelivery.readBody(streaming.body(), deadline), StandardCharsets.UTF_8);
        int code = streaming.statusCode();
        if (code / 100 == 2) {
            checkAnswer(answer);
            return;
        }
        try {
            // telebot v3.3.8 ignores the status: a body that is the API's success is a message sent.
            checkAnswer(answer);
            context.logger().fine("Telegram answered status " + code + " with the message sent; taken as sent, as Alertmanager's bot library does");
        } catch (NotifyException failed) {
            // Retried either way (0.34 retries every error); the status, its reason and Retry-After are kept.
            throw NotifyException.status("unexpected status code " + code + " from Telegram (" + origin(url) + "): " + describe(answer),
                    code, true, streaming.headers().firstValue("Retry-After").flatMap(HttpDelivery::retryAfter).orElse(null));
        }
    }

    /** Scheme, host and port: the bot token in the path stays out of messages. */
    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /**
     * A 2xx answer as telebot v3.3.8 reads it ({@code extractOk}, then {@code extractMessage}):
     * <ol>
     * <li>its first JSON value is decoded into {@code ok}, {@code error_code},
     * {@code description}, {@code parameters} (names matched regardless of case); when that
     * decodes and {@code ok} is not true, it is the API's error, retried (with
     * {@code error_code} as the status, for the failure's reason);</li>
     * <li>then the whole body must be one JSON object (or {@code null}) whose {@code result} is an
     * object, absent or null; {@code "result": true} is telebot's {@code ErrTrueResult}, anything
     * else its decoding error: retried.</li>
     * </ol>
     * An answer whose {@code ok} is true without a {@code result} (or with {@code null}) is
     * delivered. Alertmanager 0.34 crashes on it: telebot gives it no message and no error, and
     * the notifier dereferences the missing message to log its id. Telegram itself always sends
     * the message; a body saying {@code ok} is taken at its word rather than resent.
     */
    static void checkAnswer(String body) throws NotifyException {
        String text = body == null ? "" : body;
        JsonNode first = firstValue(text);
        if (first != null && decodesAsApiAnswer(first) && !field(first, "ok").asBoolean(false)) {
            int code = field(first, "error_code").asInt(0);
            String message = "error response from Telegram: " + field(first, "description").asText("") + " (" + code + ")";
            throw code > 0 ? NotifyException.status(message, code, true, null) : NotifyException.retryLater(message, null);
        }
        JsonNode whole;
        try {
            whole = WHOLE.readTree(text);
        } catch (IOException e) {
            throw NotifyException.retryLater("could not read Telegram's answer: " + HttpDelivery.cut(text), null);
        }
        if (whole == null || whole.isMissingNode() || !(whole.isObject() || whole.isNull())) {
            throw NotifyException.retryLater("could not read Telegram's answer: " + HttpDelivery.cut(text), null);
        }
        JsonNode result = field(whole, "result");
        if (result.isMissingNode() || result.isNull()) {
            return;
        }
        if (result.isBoolean() && result.asBoolean()) {
            throw NotifyException.retryLater("Telegram answered result true, not the message sent", null);
        }
        if (!result.isObject() || !integer(field(result, "message_id")) || !(field(result, "chat").isMissingNode()
                || field(result, "chat").isNull() || field(result, "chat").isObject() && integer(field(field(result, "chat"), "id")))) {
            throw NotifyException.retryLater("could not read the message in Telegram's answer: " + HttpDelivery.cut(text), null);
        }
    }

    /** The first JSON value of {@code text}, as Go's {@code json.Decoder} reads it; null when there is none. */
    private static JsonNode firstValue(String text) {
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            return JSON.readTree(parser);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether Go decodes {@code node} into telebot's answer struct: null, or an object whose known fields have their types. */
    private static boolean decodesAsApiAnswer(JsonNode node) {
        if (node.isNull()) {
            return true;
        }
        if (!node.isObject()) {
            return false;
        }
        JsonNode ok = field(node, "ok");
        JsonNode code = field(node, "error_code");
        JsonNode description = field(node, "description");
        JsonNode parameters = field(node, "parameters");
        return (absent(ok) || ok.isBoolean()) && (absent(code) || integer(code)) && (absent(description) || description.isTextual())
                && (absent(parameters) || parameters.isObject());
    }

    private static boolean absent(JsonNode n) {
        return n.isMissingNode() || n.isNull();
    }

    /** Absent, null or an integer in Go's int64 (a value that does not fit or has a fraction fails Go's decoding). */
    private static boolean integer(JsonNode n) {
        return absent(n) || n.isIntegralNumber() && n.canConvertToLong();
    }

    /** A field matched as Go's {@code encoding/json} matches names: exactly, else regardless of case. */
    private static JsonNode field(JsonNode object, String name) {
        if (!object.isObject()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
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
