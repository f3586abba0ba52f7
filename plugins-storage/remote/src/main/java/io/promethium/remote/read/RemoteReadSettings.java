package io.promethium.remote.read;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.model.Labels;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.remote.http.RemoteHttp;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code remote_read:} entry with Prometheus's defaults.
 *
 * @param requiredMatchers label pairs a query's equality matchers must all have for this remote to be asked
 * @param readRecent whether to ask the remote also for times the local storage holds
 * @param filterExternalLabels whether external labels become matchers of the remote query (and are stripped from its results)
 * @param fingerprint what makes two entries the same (a reload keeps the client of an unchanged entry)
 */
public record RemoteReadSettings(URI url, String name, Duration remoteTimeout, Map<String, String> headers,
                                 Labels requiredMatchers, boolean readRecent, boolean filterExternalLabels,
                                 Labels externalLabels, RemoteHttp http, String fingerprint) {

    static final String KEY = "remote_read";
    private static final Set<String> FIELDS;

    static {
        Set<String> f = new HashSet<>(Set.of("url", "name", "remote_timeout", "headers", "read_recent", "required_matchers",
                "filter_external_labels"));
        f.addAll(HttpClientFactory.FIELDS);
        FIELDS = Set.copyOf(f);
    }

    public static RemoteReadSettings parse(PluginConfig c, SectionContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        URI url = RemoteHttp.url(c);
        Duration timeout = c.duration("remote_timeout", Duration.ofMinutes(1));
        if (timeout.isZero() || timeout.isNegative()) {
            throw c.error("remote_timeout", "remote_timeout must be greater than zero");
        }
        Map<String, String> headers = RemoteHttp.headers(c);
        Map<String, String> required = RemoteHttp.strings(c, "required_matchers");
        RemoteHttp http = RemoteHttp.parse(c, context.httpClients(), context.configDirectory(), true);
        return new RemoteReadSettings(url, c.string("name", ""), timeout, headers, Labels.fromMap(required),
                c.bool("read_recent", false), c.bool("filter_external_labels", true), context.externalLabels(), http,
                c.values() + "|" + context.externalLabels() + "|" + context.configDirectory());
    }

    /** The name used in errors and logs. */
    String displayName() {
        return name.isEmpty() ? url.toString() : name;
    }
}
