package io.promethium.web.internal.ui;

import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The web UI: Prometheus's page paths answer the page shell, {@code /static/*} the files it
 * loads. Pages read the same {@code /api/v1} endpoints as Prometheus's UI. Links carry the path
 * of {@code --web.external-url}, so the UI works behind a reverse proxy that strips it.
 */
public final class UiResource implements Endpoints {

    /** The pages that answer the page shell. */
    private static final List<String> PAGES = List.of("/query", "/alerts", "/rules", "/targets", "/service-discovery",
            "/tsdb-status", "/status", "/flags", "/config");

    private static final String PAGE_CACHE = "no-cache";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final UiAssets assets;
    private final String routePrefix;
    private final boolean adminEnabled;
    private final String pageTitle;
    private final String adminWriteRefusal;

    /**
     * @param routePrefix  the path of the external URL without a trailing slash ({@code ""} for none)
     * @param adminEnabled whether {@code /admin} exists (it needs {@code --web.enable-admin-api})
     */
    public UiResource(UiAssets assets, String routePrefix, boolean adminEnabled) {
        this(assets, routePrefix, adminEnabled, "Promethium");
    }

    /** @param pageTitle the document title ({@code --web.page-title}) */
    public UiResource(UiAssets assets, String routePrefix, boolean adminEnabled, String pageTitle) {
        this(assets, routePrefix, adminEnabled, pageTitle, "");
    }

    /**
     * @param adminWriteRefusal why the console may not install or manage plugins ({@code ""}: it may),
     *                          as {@code admin.AdminWrites} decided; the console shows it and offers no such action
     */
    public UiResource(UiAssets assets, String routePrefix, boolean adminEnabled, String pageTitle, String adminWriteRefusal) {
        this.adminWriteRefusal = Objects.requireNonNull(adminWriteRefusal, "adminWriteRefusal is null");
        this.assets = Objects.requireNonNull(assets, "assets is null");
        this.routePrefix = Objects.requireNonNull(routePrefix, "routePrefix is null");
        this.adminEnabled = adminEnabled;
        this.pageTitle = Objects.requireNonNull(pageTitle, "pageTitle is null");
    }

    /** The path of an external URL, as the UI's link prefix: {@code https://h/prom/} gives {@code /prom}. */
    public static String routePrefix(String externalUrl) {
        if (externalUrl == null || externalUrl.isBlank()) {
            return "";
        }
        String path;
        try {
            path = new URI(externalUrl.trim()).getRawPath();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--web.external-url \"" + externalUrl + "\": " + e.getMessage(), e);
        }
        if (path == null) {
            return "";
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        List<Router> routers = new ArrayList<>();
        routers.add(Router.under("/").formLimit(formLimit).agent(agent).get("/", call -> redirect(call, "/query", null)).build());
        // Prometheus 2's graph page: its g0.expr=… links open the query page unchanged.
        routers.add(Router.under("/graph").formLimit(formLimit).agent(agent)
                .get("/graph", call -> redirect(call, "/query", call.exchange().query())).build());
        for (String page : PAGES) {
            routers.add(Router.under(page).formLimit(formLimit).agent(agent).get(page, this::page).build());
        }
        routers.add(Router.under("/admin").formLimit(formLimit).agent(agent).get("/admin", this::admin).build());
        routers.add(Router.under("/static").formLimit(formLimit).agent(agent).get("/static/{name}", this::file).build());
        return routers;
    }

    /** The plugin console; absent unless the admin API is enabled. */
    private void admin(Router.Call call) throws IOException {
        if (!adminEnabled) {
            call.respond(404, Router.TEXT_UTF8, "The admin console needs the server to run with --web.enable-admin-api.\n");
            return;
        }
        page(call);
    }

    private void file(Router.Call call) throws IOException {
        String name = call.segment("name");
        UiAssets.Asset asset = assets.asset(name);
        if (asset == null) {
            call.respond(404, Router.TEXT_UTF8, "no such file: static/" + name + "\n");
            return;
        }
        List<String> versions = call.query().all("v");
        String cache = !versions.isEmpty() && assets.version().equals(versions.get(0)) ? IMMUTABLE : PAGE_CACHE;
        String ifNoneMatch = call.exchange().requestHeader("If-None-Match").orElse(null);
        if (ifNoneMatch != null && ifNoneMatch.contains(asset.etag())) {
            call.exchange().responseHeader("ETag", asset.etag());
            call.exchange().responseHeader("Cache-Control", cache);
            call.empty(304);
            return;
        }
        call.contentType(Router.jaxrsType(asset.contentType()));
        call.exchange().responseHeader("ETag", asset.etag());
        call.exchange().responseHeader("Cache-Control", cache);
        call.exchange().responseHeader("X-Content-Type-Options", "nosniff");
        call.respond(200, Router.jaxrsType(asset.contentType()), asset.bytes());
    }

    private void page(Router.Call call) throws IOException {
        call.contentType("text/html;charset=utf-8");
        call.exchange().responseHeader("Cache-Control", PAGE_CACHE);
        call.exchange().responseHeader("X-Content-Type-Options", "nosniff");
        call.respond(200, "text/html;charset=utf-8", assets.page(routePrefix, adminEnabled, pageTitle, adminWriteRefusal));
    }

    private void redirect(Router.Call call, String page, String rawQuery) throws IOException {
        String location = routePrefix + page + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        call.exchange().responseHeader("Location", location);
        call.empty(302);
    }
}
