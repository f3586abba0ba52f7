package io.promethium.notifiers.pushover;

import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Sends Alertmanager's Pushover request: a {@code POST} with an empty {@code text/plain} body and
 * every parameter in the query string, sorted by name as Go's {@code url.Values} encodes them
 * ({@code token}, {@code user}, {@code title} cut to 250 characters, {@code message} cut to 1024,
 * trimmed and {@code (no details)} when empty, {@code url} cut to 512, {@code url_title},
 * {@code priority}, {@code retry} and {@code expire} in seconds, {@code device}, {@code sound},
 * {@code ttl} when set, {@code html=1} or {@code monospace=1}). Pushover answers 4xx with
 * {@code {"status":0,"errors":[...]}} for a bad request (not retried) and 429 when the
 * application's monthly limit is spent; 5xx and 429 are retried.
 */
final class PushoverNotifier implements Notifier {

    static final int MAX_TITLE = 250;
    static final int MAX_MESSAGE = 1024;
    static final int MAX_URL = 512;
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Pushover").retrying(429);

    private final PushoverNotifierFactory.Settings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    PushoverNotifier(PushoverNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    private String cut(String field, String text, int max) {
        if (Runes.longerThan(text, max)) {
            context.logger().warning("Pushover " + field + " truncated to " + max + " characters");
            return Runes.truncate(text, max);
        }
        return text;
    }

    /** The request's parameters, by name. */
    Map<String, String> parameters(Notification n) throws NotifyException {
        Map<String, String> p = new TreeMap<>();
        p.put("token", TemplateFields.render(context, "token", settings.token().read(), n));
        p.put("user", TemplateFields.render(context, "user_key", settings.userKey().read(), n));
        p.put("title", cut("title", TemplateFields.render(context, "title", settings.title(), n), MAX_TITLE));
        if (settings.html()) {
            p.put("html", "1");
        }
        if (settings.monospace()) {
            p.put("monospace", "1");
        }
        // html: true: Alertmanager renders the message with Go's html/template, values escaped.
        String rendered = settings.html() ? TemplateFields.renderHtml(context, "message", settings.message(), n)
                : TemplateFields.render(context, "message", settings.message(), n);
        String message = cut("message", rendered, MAX_MESSAGE).strip();
        p.put("message", message.isEmpty() ? "(no details)" : message);
        p.put("url", cut("url", TemplateFields.render(context, "url", settings.url(), n), MAX_URL));
        p.put("url_title", TemplateFields.render(context, "url_title", settings.urlTitle(), n));
        p.put("priority", TemplateFields.render(context, "priority", settings.priority(), n));
        p.put("retry", Long.toString(settings.retry().toSeconds()));
        p.put("expire", Long.toString(settings.expire().toSeconds()));
        p.put("device", TemplateFields.render(context, "device", settings.device(), n));
        p.put("sound", TemplateFields.render(context, "sound", settings.sound(), n));
        if (settings.ttl().toSeconds() > 0) {
            p.put("ttl", Long.toString(settings.ttl().toSeconds()));
        }
        return p;
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        HttpDelivery.timeLeft(deadline);
        StringJoiner query = new StringJoiner("&");
        for (Map.Entry<String, String> e : parameters(n).entrySet()) {
            query.add(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        URI url = URI.create(settings.apiUrl() + "?" + query);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(HttpDelivery.timeLeft(deadline))
                .header("Content-Type", "text/plain")
                .header("User-Agent", "Promethium")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        DELIVERY.send(client, request);
    }
}
