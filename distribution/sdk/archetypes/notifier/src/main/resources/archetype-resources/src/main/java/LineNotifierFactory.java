package ${package};

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import java.net.URI;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code ${pluginType}_configs} key of an {@code alertmanager.yml} receiver:
 * <pre>
 * receivers:
 *   - name: team
 *     ${pluginType}_configs:
 *       - url: https://chat.example/hooks/team   # where each notification is POSTed
 *         http_config: {}                        # optional: auth, TLS, proxy, as every http_config
 * </pre>
 * Each notification is one POST of one line of text ({@link LineNotifier}). The kernel reads
 * {@code send_resolved} itself. Registered as a Declarative Services component for the server, and
 * listed in {@code META-INF/services} for tests and {@code promethium check alertmanager-config}.
 */
@Component(service = NotifierFactory.class)
public final class LineNotifierFactory implements NotifierFactory {

    static final String TYPE = "${pluginType}";
    static final Set<String> OWN_FIELDS = Set.of("url", "http_config");

    @Override
    public String type() {
        return TYPE;
    }

    /** No side effects: {@code check alertmanager-config} calls it too. Errors name the field and its file:line:col. */
    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        config.requireOnly(OWN_FIELDS);
        url(config);
        PluginConfig http = context.httpConfig(config);
        http.requireOnly(HttpClientFactory.FIELDS);
        context.httpClients().validate(http);
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        validate(config, context);
        ConfiguredHttpClient client = context.httpClients().create(context.httpConfig(config), context.configDirectory());
        return new LineNotifier(url(config), client);
    }

    /** The URL may hold a token in its path or query: say it is one, so it shows as {@code <secret>}. */
    @Override
    public Set<String> secretFields() {
        return Set.of("url");
    }

    private static URI url(PluginConfig config) throws ConfigException {
        String url = config.requiredString("url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw config.error("url", "url must start with http:// or https://");
        }
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            throw config.error("url", "url is not a URL: " + e.getMessage());
        }
    }
}
