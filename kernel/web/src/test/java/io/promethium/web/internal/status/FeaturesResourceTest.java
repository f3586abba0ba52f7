package io.promethium.web.internal.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeaturesResourceTest {

    private static HttpResponse<String> features(Map<String, String> flags, Set<String> declared, boolean agent) throws Exception {
        FeaturesResource resource = new FeaturesResource(() -> flags, () -> declared);
        try (ApiServer server = agent ? ApiServer.agent(w -> w.register(resource)) : new ApiServer(w -> w.register(resource))) {
            return server.get("/api/v1/features");
        }
    }

    @Test
    void apiFeaturesFollowTheWebFlagsAndTheSearchFeature() throws Exception {
        HttpResponse<String> r = features(Map.of("enable-feature", "search-api", "web.enable-admin-api", "true"), Set.of("search-api"), false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).startsWith("{\"status\":\"success\",\"data\":{\"api\":{\"admin\":true,\"exclude_alerts\":true,"
                + "\"label_values_match\":true,\"lifecycle\":false,\"openapi_3.1\":false,\"openapi_3.2\":false,"
                + "\"otlp_write_receiver\":false,\"query_stats\":true,\"query_warnings\":true,\"remote_write_receiver\":false,"
                + "\"search\":true,\"search_fuzz_alg_jarowinkler\":true,\"search_fuzz_alg_subsequence\":true,"
                + "\"time_range_labels\":true,\"time_range_series\":true},\"otlp_receiver\":{");
        assertThat(r.body()).contains("\"prometheus\":{\"agent_mode\":false,\"auto_reload_config\":false,\"server_mode\":true}");
        assertThat(r.body()).endsWith("\"tsdb\":{\"exemplar_storage\":false}}}");
    }

    @Test
    void aFeatureGivenIsOnOnlyWhenAnInstalledBundleImplementsIt() throws Exception {
        Map<String, String> flags = Map.of("enable-feature", "promql-experimental-functions, exemplar-storage,concurrent-rule-eval");
        String body = features(flags, Set.of("promql-experimental-functions", "concurrent-rule-eval"), false).body();
        assertThat(body).contains("\"limitk\":true", "\"double_exponential_smoothing\":true", "\"abs\":true",
                "\"rules\":{\"concurrent_rule_eval\":true,\"keep_firing_for\":true,\"query_offset\":true}",
                "\"tsdb\":{\"exemplar_storage\":false}");
        String without = features(Map.of(), Set.of("promql-experimental-functions"), false).body();
        assertThat(without).contains("\"limitk\":false", "\"double_exponential_smoothing\":false", "\"abs\":true",
                "\"search\":false", "\"concurrent_rule_eval\":false");
    }

    @Test
    void operatorsAreWrittenWithoutHtmlEscapesAsPrometheusDoes() throws Exception {
        String body = features(Map.of(), Set.of(), false).body();
        assertThat(body).contains("\">=\":true", "\"</\":true", "\"=~\":true", "\"@\":true", "\"atan2\":true")
                .doesNotContain("\\u003e");
    }

    @Test
    void servedInAgentModeSayingSo() throws Exception {
        HttpResponse<String> r = features(Map.of("agent", "true"), Set.of(), true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"prometheus\":{\"agent_mode\":true,\"auto_reload_config\":false,\"server_mode\":false}");
    }
}
