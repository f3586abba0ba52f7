package io.promethium.web.internal.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web UI's static files, read once from the bundle's class path. Only the files listed here
 * are served, so no request path can reach anything else on the class path.
 */
public final class UiAssets {

    /** Where the files live on the class path. */
    static final String FOLDER = "/io/promethium/web/internal/ui/assets/";
    /**
     * Every file the UI is made of, besides the page template. The {@code lib-*} files are the
     * third-party libraries, built by {@code kernel/web/ui/build.mjs}; their licences are in
     * {@code licenses/} beside them.
     */
    static final List<String> FILES = List.of("app.css", "app.js", "api.js", "dom.js", "editor.js", "chart.js",
            "query.js", "explain.js", "explorer.js", "heatmap.js", "pages.js", "admin.js", "favicon.svg", "lib-codemirror.js", "lib-uplot.js", "lib-uplot.css");

    /** One file: its bytes, media type and entity tag. */
    public record Asset(String name, byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;
    private final String pageTemplate;
    private final String version;

    private UiAssets(Map<String, Asset> assets, String pageTemplate, String version) {
        this.assets = Map.copyOf(assets);
        this.pageTemplate = pageTemplate;
        this.version = version;
    }

    /** Loads every file; a missing one is a packaging defect and fails the web bundle's start. */
    public static UiAssets load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        MessageDigest all = sha256();
        for (String name : FILES) {
            byte[] bytes = read(name);
            String hash = HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 16);
            all.update(bytes);
            assets.put(name, new Asset(name, bytes, contentType(name), "\"" + hash + "\""));
        }
        String template = new String(read("index.html"), StandardCharsets.UTF_8);
        all.update(template.getBytes(StandardCharsets.UTF_8));
        return new UiAssets(assets, template, HexFormat.of().formatHex(all.digest()).substring(0, 12));
    }

    /** The file called {@code name}, or {@code null} when the UI has none. */
    public Asset asset(String name) {
        return assets.get(name);
    }

    /** A hash over all files: asset URLs carry it so browsers may cache them for good. */
    public String version() {
        return version;
    }

    /** The page shell every UI path answers with; the script renders the page from the URL. */
    public String page(String routePrefix, boolean adminEnabled, String title) {
        return page(routePrefix, adminEnabled, title, "");
    }

    /** @param adminWriteRefusal why plugin actions are refused ({@code ""}: allowed), for the console */
    public String page(String routePrefix, boolean adminEnabled, String title, String adminWriteRefusal) {
        return pageTemplate.replace("{{adminWrites}}", escapeHtml(adminWriteRefusal))
                .replace("{{base}}", escapeHtml(routePrefix))
                .replace("{{title}}", escapeHtml(title))
                .replace("{{v}}", version)
                .replace("{{admin}}", Boolean.toString(adminEnabled));
    }

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "html" -> "text/html; charset=utf-8";
            default -> "application/octet-stream";
        };
    }

    static String escapeHtml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static byte[] read(String name) {
        try (InputStream in = UiAssets.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("web UI file " + FOLDER + name + " is missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read web UI file " + name, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
