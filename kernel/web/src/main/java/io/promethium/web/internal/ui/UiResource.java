package io.promethium.web.internal.ui;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * The web UI: Prometheus's page paths answer the page shell, {@code /static/*} the files it
 * loads. Pages read the same {@code /api/v1} endpoints as Prometheus's UI. Links carry the path
 * of {@code --web.external-url}, so the UI works behind a reverse proxy that strips it.
 */
@Path("/")
public final class UiResource {

    private static final String PAGE_CACHE = "no-cache";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final UiAssets assets;
    private final String routePrefix;
    private final boolean adminEnabled;
    private final String pageTitle;

    /**
     * @param routePrefix  the path of the external URL without a trailing slash ({@code ""} for none)
     * @param adminEnabled whether {@code /admin} exists (it needs {@code --web.enable-admin-api})
     */
    public UiResource(UiAssets assets, String routePrefix, boolean adminEnabled) {
        this(assets, routePrefix, adminEnabled, "Promethium");
    }

    /** @param pageTitle the document title ({@code --web.page-title}) */
    public UiResource(UiAssets assets, String routePrefix, boolean adminEnabled, String pageTitle) {
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

    @GET
    public Response root() {
        return redirect("/query", null);
    }

    /** Prometheus 2's graph page: its {@code g0.expr=…} links open the query page unchanged. */
    @GET
    @Path("graph")
    public Response graph(@Context UriInfo uri) {
        return redirect("/query", uri.getRequestUri().getRawQuery());
    }

    @GET
    @Path("query")
    public Response query() {
        return page();
    }

    @GET
    @Path("alerts")
    public Response alerts() {
        return page();
    }

    @GET
    @Path("rules")
    public Response rules() {
        return page();
    }

    @GET
    @Path("targets")
    public Response targets() {
        return page();
    }

    @GET
    @Path("service-discovery")
    public Response serviceDiscovery() {
        return page();
    }

    @GET
    @Path("tsdb-status")
    public Response tsdbStatus() {
        return page();
    }

    @GET
    @Path("status")
    public Response status() {
        return page();
    }

    @GET
    @Path("flags")
    public Response flags() {
        return page();
    }

    @GET
    @Path("config")
    public Response config() {
        return page();
    }

    /** The plugin console; absent unless the admin API is enabled. */
    @GET
    @Path("admin")
    public Response admin() {
        if (!adminEnabled) {
            return Response.status(404).type("text/plain; charset=utf-8")
                    .entity("The admin console needs the server to run with --web.enable-admin-api.\n").build();
        }
        return page();
    }

    @GET
    @Path("static/{name}")
    public Response file(@PathParam("name") String name, @QueryParam("v") String version,
                         @HeaderParam("If-None-Match") String ifNoneMatch) {
        UiAssets.Asset asset = assets.asset(name);
        if (asset == null) {
            return Response.status(404).type("text/plain; charset=utf-8").entity("no such file: static/" + name + "\n").build();
        }
        String cache = assets.version().equals(version) ? IMMUTABLE : PAGE_CACHE;
        if (ifNoneMatch != null && ifNoneMatch.contains(asset.etag())) {
            return Response.notModified().header("ETag", asset.etag()).header("Cache-Control", cache).build();
        }
        return Response.ok(asset.bytes(), asset.contentType()).header("ETag", asset.etag())
                .header("Cache-Control", cache).header("X-Content-Type-Options", "nosniff").build();
    }

    private Response page() {
        return Response.ok(assets.page(routePrefix, adminEnabled, pageTitle), "text/html; charset=utf-8")
                .header("Cache-Control", PAGE_CACHE).header("X-Content-Type-Options", "nosniff").build();
    }

    private Response redirect(String page, String rawQuery) {
        String location = routePrefix + page + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        return Response.status(302).header("Location", location).build();
    }
}
