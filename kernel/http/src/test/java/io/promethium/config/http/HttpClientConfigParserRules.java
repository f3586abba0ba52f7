package io.promethium.config.http;

import io.promethium.config.model.HttpClientConfig;
import java.util.Map;

/** Test helper: client settings with only proxy fields. */
final class HttpClientConfigParserRules {

    private HttpClientConfigParserRules() {
    }

    static HttpClientConfig proxy(String url, String noProxy) {
        return new HttpClientConfig(null, null, null, null, true, true, url, noProxy, false, Map.of(), Map.of(), Map.of());
    }
}
