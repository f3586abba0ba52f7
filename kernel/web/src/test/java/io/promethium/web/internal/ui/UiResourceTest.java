package io.promethium.web.internal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.web.internal.server.ApiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UiResourceTest {

    private static ApiServer server;
    private static ApiServer withoutAdmin;
    private static final UiAssets ASSETS = UiAssets.load();

    @BeforeAll
    static void start() throws Exception {
        server = new ApiServer(w -> w.register(new UiResource(ASSETS, UiResource.routePrefix("https://example.org/prom/"), true)));
        withoutAdmin = new ApiServer(w -> w.register(new UiResource(ASSETS, "", false)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        withoutAdmin.close();
    }

    @Test
    void everyPrometheusPagePathAnswersThePageWithLinksUnderTheExternalUrlPath() {
        for (String page : new String[] {"/query", "/alerts", "/rules", "/targets", "/service-discovery", "/tsdb-status",
            "/status", "/flags", "/config", "/admin"}) {
            HttpResponse<String> response = server.get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(200);
            assertThat(contentType(response)).isEqualTo("text/html;charset=utf-8");
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(response.body()).contains("href=\"/prom/static/app.css?v=" + ASSETS.version() + "\"")
                    .contains("src=\"/prom/static/app.js?v=" + ASSETS.version() + "\"")
                    .contains("<meta name=\"promethium-admin\" content=\"true\">");
        }
    }

    @Test
    void rootAndTheGraphPageLeadToTheQueryPageKeepingTheirParameters() {
        HttpResponse<String> root = server.get("/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue("/prom/query");
        HttpResponse<String> graph = server.get("/graph?g0.expr=rate(up%5B5m%5D)&g0.tab=0");
        assertThat(graph.statusCode()).isEqualTo(302);
        assertThat(URLDecoder.decode(graph.headers().firstValue("Location").orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("/prom/query?g0.expr=rate(up[5m])&g0.tab=0");
    }

    @Test
    void assetsHaveTheirContentTypeAndAreCachedForGoodOnlyWhenTheUrlCarriesTheVersion() {
        HttpResponse<String> versioned = server.get("/static/app.js?v=" + ASSETS.version());
        assertThat(versioned.statusCode()).isEqualTo(200);
        assertThat(contentType(versioned)).isEqualTo("text/javascript;charset=utf-8");
        assertThat(versioned.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(contentType(server.get("/static/app.css"))).isEqualTo("text/css;charset=utf-8");
        assertThat(server.get("/static/favicon.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");

        HttpResponse<String> plain = server.get("/static/editor.js");
        assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = plain.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = server.send(HttpRequest.newBuilder(server.uri("/static/editor.js")).header("If-None-Match", etag).GET());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void theBundledLibrariesAreServedAndEveryPackageInThemHasItsLicenceBesideThem() throws Exception {
        for (String lib : new String[] {"lib-codemirror.js", "lib-uplot.js"}) {
            HttpResponse<String> response = server.get("/static/" + lib);
            assertThat(response.statusCode()).as(lib).isEqualTo(200);
            assertThat(contentType(response)).isEqualTo("text/javascript;charset=utf-8");
        }
        assertThat(server.get("/static/editor.js").body()).contains("from './lib-codemirror.js'");
        assertThat(server.get("/static/chart.js").body()).contains("from './lib-uplot.js'");
        assertThat(server.get("/query").body()).contains("/prom/static/lib-uplot.css?v=");
        String list;
        try (var in = UiAssets.class.getResourceAsStream(UiAssets.FOLDER + "licenses/README.txt")) {
            assertThat(in).as("licenses/README.txt in the bundle").isNotNull();
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String pkg : new String[] {"@prometheus-io/codemirror-promql", "@prometheus-io/lezer-promql", "@codemirror/view", "uplot"}) {
            assertThat(list).contains(pkg + " ");
        }
        Matcher files = Pattern.compile("licenses/(\\S+)").matcher(list);
        int count = 0;
        while (files.find()) {
            count++;
            assertThat(UiAssets.class.getResource(UiAssets.FOLDER + "licenses/" + files.group(1))).as(files.group(1)).isNotNull();
        }
        assertThat(count).isGreaterThan(10);
        // The licences are in the bundle for its users, not served as UI files.
        assertThat(server.get("/static/licenses%2FREADME.txt").statusCode()).isIn(400, 404);
    }

    @Test
    void onlyTheListedFilesAreServed() {
        assertThat(server.get("/static/index.html").statusCode()).isEqualTo(404);
        assertThat(server.get("/static/..%2F..%2Fserver%2FWebComponent.class").statusCode()).isIn(400, 404);
        assertThat(server.get("/static/%2E%2E/ui/UiAssets.class").statusCode()).isIn(400, 404);
        assertThat(server.get("/static/nope.js").body()).contains("no such file");
        assertThat(server.get("/querys").statusCode()).isEqualTo(404);
    }

    @Test
    void theAdminConsoleExistsOnlyWithTheAdminApi() {
        HttpResponse<String> admin = withoutAdmin.get("/admin");
        assertThat(admin.statusCode()).isEqualTo(404);
        assertThat(admin.body()).contains("--web.enable-admin-api");
        assertThat(withoutAdmin.get("/query").body()).contains("<meta name=\"promethium-admin\" content=\"false\">")
                .contains("href=\"/static/app.css?v=");
    }

    @Test
    void routePrefixIsThePathOfTheExternalUrl() {
        assertThat(UiResource.routePrefix("")).isEmpty();
        assertThat(UiResource.routePrefix(null)).isEmpty();
        assertThat(UiResource.routePrefix("http://localhost:9090")).isEmpty();
        assertThat(UiResource.routePrefix("http://localhost:9090/")).isEmpty();
        assertThat(UiResource.routePrefix("https://example.org/a/b/")).isEqualTo("/a/b");
    }

    @Test
    void everyModuleTheScriptsImportIsServed() {
        Pattern imports = Pattern.compile("(?:from|import\\()\\s*'\\./([^']+)'");
        for (String name : UiAssets.FILES) {
            if (!name.endsWith(".js")) {
                continue;
            }
            Matcher m = imports.matcher(new String(ASSETS.asset(name).bytes(), StandardCharsets.UTF_8));
            while (m.find()) {
                assertThat(UiAssets.FILES).as("imported by " + name).contains(m.group(1));
            }
        }
    }

    private static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void pageTemplateEscapesThePrefix() {
        assertThat(ASSETS.page("/a\"<b>", false, "Promethium")).contains("/a&quot;&lt;b&gt;/static/").doesNotContain("/a\"<b>");
    }
}
