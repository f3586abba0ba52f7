package io.promethium.example.mycorp;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifyException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
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
        context.templates().check(text(config));
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

    /** Sends once; the dispatcher retries what it is told may succeed later. */
    private record MycorpNotifier(URI url, String text, NotifierContext context, ConfiguredHttpClient client) implements Notifier {

        @Override
        public void send(Notification notification, Instant deadline) throws NotifyException {
            String body = context.templates().render(text, notification);
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.between(Instant.now(), deadline))
                    .header("Content-Type", "text/plain; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw NotifyException.retryLater("POST " + url.getHost() + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw NotifyException.doNotRetry("interrupted", e);
            }
            int status = response.statusCode();
            if (status / 100 == 5) {
                throw NotifyException.retryLater("status " + status + " from " + url.getHost(), null);
            }
            if (status / 100 != 2) {
                throw NotifyException.doNotRetry("status " + status + " from " + url.getHost() + ": " + response.body(), null);
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
