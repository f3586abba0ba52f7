package io.promethium.example.mycorp;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateFields;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The custom notifier of {@code plugins-notifiers/README.md}: {@code mycorp_configs} with a
 * {@code url}, a {@code text} template (default: the subject line) and {@code http_config}; each
 * notification is one POST of the rendered text. Shipped in {@code examples/plugins/} to be dropped
 * into a running server.
 */
@Component(service = NotifierFactory.class)
public final class MycorpNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("url", "text", "http_config");

    @Override
    public String type() {
        return "mycorp";
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        config.requireOnly(FIELDS);
        url(config);
        // TemplateFields puts a template error at its field (file:line:col and "text: ...").
        TemplateFields.check(config, context, Map.of("text", text(config)));
        PluginConfig http = context.httpConfig(config);
        http.requireOnly(HttpClientFactory.FIELDS);
        context.httpClients().validate(http);
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        validate(config, context);
        return new MycorpNotifier(url(config), text(config), context,
                context.httpClients().create(context.httpConfig(config), context.configDirectory()));
    }

    private static URI url(PluginConfig config) throws ConfigException {
        String url = config.requiredString("url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw config.error("url", "url: want http:// or https://");
        }
        return URI.create(url);
    }

    private static String text(PluginConfig config) throws ConfigException {
        return config.string("text", "{{ template \"__subject\" . }}");
    }

    /**
     * Sends once; the dispatcher retries what {@link HttpDelivery} says may succeed later (5xx, 429,
     * transport errors, after {@code Retry-After}); any other answer is final.
     */
    private record MycorpNotifier(URI url, String text, NotifierContext context, ConfiguredHttpClient client) implements Notifier {

        private static final HttpDelivery DELIVERY = HttpDelivery.to("MyCorp").retrying(429);

        @Override
        public void send(Notification notification, Instant deadline) throws NotifyException {
            String body = TemplateFields.render(context, "text", text, notification);
            HttpRequest request = HttpRequest.newBuilder(url).timeout(HttpDelivery.timeLeft(deadline))
                    .header("Content-Type", "text/plain; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            DELIVERY.send(client, request);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
