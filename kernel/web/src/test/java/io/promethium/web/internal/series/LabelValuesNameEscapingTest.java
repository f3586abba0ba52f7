package io.promethium.web.internal.series;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/label/<name>/values} with a name in the {@code values} escaping ({@code U__...}),
 * as Prometheus 3's {@code labelValues} reads it: decoded with {@code model.UnescapeName}, a
 * malformed escape kept as it came, then checked as a UTF-8 label name. Cases from Prometheus's
 * {@code web/api/v1/api_test.go}, {@code docs/querying/api.md} and prometheus/common's
 * {@code TestEscapeName}.
 */
class LabelValuesNameEscapingTest {

    private static ApiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> new SeriesResource(w.server().storage).routes(1 << 20, false).forEach(w::register));
        server.append(Labels.of("__name__", "http_requests_total", "http.status_code", "200"), 1000, 1);
        server.append(Labels.of("__name__", "http_requests_total", "http.status_code", "404"), 1000, 1);
        server.append(Labels.of("__name__", "test_metric", "junk\n{},=:  chars", "bar", "host.name", "localhost"), 1000, 1);
        server.append(Labels.of("__name__", "odd", "a/b", "slash", "花火", "hanabi", "label with 😱", "scream", "é", "acute"), 1000, 1);
        server.append(Labels.of("__name__", "odd", "U__bad_2eg_", "literal", "capitals.ok", "yes"), 1000, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String values(String segment) {
        HttpResponse<String> r = server.get("/api/v1/label/" + segment + "/values");
        assertThat(r.statusCode()).as(segment).isEqualTo(200);
        return r.body();
    }

    @Test
    void aValuesEscapedNameIsDecodedAsTheApiDocumentsIt() {
        assertThat(values("U__http_2e_status__code")).isEqualTo("{\"status\":\"success\",\"data\":[\"200\",\"404\"]}");
        assertThat(values("U__junk_0a__7b__7d__2c__3d_:_20__20_chars")).isEqualTo("{\"status\":\"success\",\"data\":[\"bar\"]}");
        assertThat(values("U__capitals_2E_ok")).as("hex digits in either case").isEqualTo("{\"status\":\"success\",\"data\":[\"yes\"]}");
    }

    @Test
    void namesWithDotsSlashesAndUnicodeRoundTripThroughTheValuesEscaping() {
        // The escaped forms are client_golang's EscapeName(name, ValueEncodingEscaping).
        assertThat(values("U__host_2e_name")).isEqualTo(values("host.name")).isEqualTo("{\"status\":\"success\",\"data\":[\"localhost\"]}");
        assertThat(values("U__a_2f_b")).isEqualTo("{\"status\":\"success\",\"data\":[\"slash\"]}");
        assertThat(values("U___82b1__706b_")).isEqualTo("{\"status\":\"success\",\"data\":[\"hanabi\"]}");
        assertThat(values("U__label_20_with_20__1f631_")).isEqualTo("{\"status\":\"success\",\"data\":[\"scream\"]}");
        assertThat(values("U___e9_")).isEqualTo(values("%C3%A9")).isEqualTo("{\"status\":\"success\",\"data\":[\"acute\"]}");
    }

    @Test
    void anEncodedSlashOrInvalidUtf8InThePathIsRefusedByTheHttpServer() {
        // Jetty refuses these URIs before any route (Prometheus answers 404 for the slash, which
        // its router sees decoded, and bad_data for the bytes); the U__ form is the way to name them.
        assertThat(server.get("/api/v1/label/a%2Fb/values").statusCode()).isEqualTo(400);
        assertThat(server.get("/api/v1/label/host.name%FF/values").statusCode()).isEqualTo(400);
    }

    @Test
    void aMalformedEscapeIsLookedUpAsItCame() {
        // Go's UnescapeName gives a malformed name back unchanged, and it is a valid UTF-8 label name.
        assertThat(values("U__bad_2eg_")).isEqualTo("{\"status\":\"success\",\"data\":[\"literal\"]}");
        // api.md's example U__http_2e_status_code is one: "_c" opens a code that "o" breaks, so
        // Prometheus looks up that name as it is (http.status_code escapes as U__http_2e_status__code).
        assertThat(values("U__http_2e_status_code")).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(values("U__http_2e_status__code_")).as("a trailing lone underscore").isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(values("U__surrogate_d800_")).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(values("U__six_100000_")).as("six hex digits").isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void aNameThatIsNoValidUtf8LabelNameIsBadData() {
        HttpResponse<String> empty = server.get("/api/v1/label/U__/values");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid label name: \\\"\\\"\"}");
    }

    @Test
    void aValidUtf8LabelNameIsNonEmptyWithoutAnUnpairedSurrogate() {
        assertThat(SeriesResource.isValidUtf8LabelName("host.name")).isTrue();
        assertThat(SeriesResource.isValidUtf8LabelName("label with \uD83D\uDE31")).isTrue();
        assertThat(SeriesResource.isValidUtf8LabelName("")).isFalse();
        assertThat(SeriesResource.isValidUtf8LabelName("host.name\uDCFF")).as("a byte kept from invalid UTF-8").isFalse();
        assertThat(SeriesResource.isValidUtf8LabelName("a\uD83D")).isFalse();
    }
}
