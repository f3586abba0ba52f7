package io.promethium.config.model;

import io.promethium.api.model.Labels;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** One entry of {@code remote_read:}. */
public record RemoteReadConfig(
        String url,
        String name,
        Duration remoteTimeout,
        Map<String, String> headers,
        boolean readRecent,
        Labels requiredMatchers,
        boolean filterExternalLabels,
        HttpClientConfig httpClient) {

    public RemoteReadConfig {
        Objects.requireNonNull(url, "url is null");
        name = name == null ? "" : name;
        Objects.requireNonNull(remoteTimeout, "remoteTimeout is null");
        headers = Map.copyOf(headers);
        requiredMatchers = requiredMatchers == null ? Labels.EMPTY : requiredMatchers;
        Objects.requireNonNull(httpClient, "httpClient is null");
    }
}
