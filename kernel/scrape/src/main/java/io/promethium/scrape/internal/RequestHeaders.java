package io.promethium.scrape.internal;

import io.promethium.config.model.HttpClientConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The headers of a scrape request: {@code Accept} from {@code scrape_protocols},
 * {@code Accept-Encoding}, {@code User-Agent}, the timeout hint, configured headers and
 * credentials. Credentials from files are read on every request, as Prometheus does, so a
 * rotated secret is picked up without a reload.
 */
final class RequestHeaders {

    static final String USER_AGENT = "Promethium/0.1";

    private final HttpClientConfig http;
    private final Path configDirectory;
    private final List<String> fixed;
    private final boolean fileCredentials;
    private List<String> cached;

    RequestHeaders(HttpClientConfig http, Path configDirectory, String accept, boolean compression, Duration timeout) {
        this.http = Objects.requireNonNull(http, "http is null");
        this.configDirectory = configDirectory;
        List<String> headers = new ArrayList<>();
        add(headers, "Accept", accept);
        add(headers, "Accept-Encoding", compression ? "gzip" : "identity");
        add(headers, "User-Agent", USER_AGENT);
        add(headers, "X-Prometheus-Scrape-Timeout-Seconds", seconds(timeout));
        for (Map.Entry<String, String> header : http.headers().entrySet()) {
            set(headers, header.getKey(), header.getValue());
        }
        this.fixed = List.copyOf(headers);
        this.fileCredentials = (http.basicAuth() != null && !http.basicAuth().passwordFile().isEmpty())
                || (http.authorization() != null && !http.authorization().credentialsFile().isEmpty());
    }

    /** Alternating names and values; built once unless credentials come from files. */
    List<String> headers() throws ScrapeException {
        if (cached != null && !fileCredentials) {
            return cached;
        }
        List<String> headers = new ArrayList<>(fixed);
        if (http.basicAuth() != null) {
            HttpClientConfig.BasicAuth basic = http.basicAuth();
            String password = basic.passwordFile().isEmpty() ? basic.password() : readSecret(basic.passwordFile());
            String token = Base64.getEncoder().encodeToString((basic.username() + ":" + password).getBytes(StandardCharsets.UTF_8));
            set(headers, "Authorization", "Basic " + token);
        } else if (http.authorization() != null) {
            HttpClientConfig.Authorization auth = http.authorization();
            String credentials = auth.credentialsFile().isEmpty() ? auth.credentials() : readSecret(auth.credentialsFile());
            set(headers, "Authorization", auth.type() + " " + credentials);
        }
        cached = List.copyOf(headers);
        return cached;
    }

    /** Go's shortest float formatting of the seconds, as Prometheus sends it ({@code 10}, {@code 2.5}). */
    static String seconds(Duration timeout) {
        return java.math.BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    boolean changesPerRequest() {
        return fileCredentials;
    }

    private String readSecret(String file) throws ScrapeException {
        Path path = configDirectory == null ? Path.of(file) : configDirectory.resolve(file);
        try {
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "unable to read secret file " + path + ": " + e.getMessage());
        }
    }

    private static void add(List<String> headers, String name, String value) {
        headers.add(name);
        headers.add(value);
    }

    private static void set(List<String> headers, String name, String value) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                headers.set(i + 1, value);
                return;
            }
        }
        add(headers, name, value);
    }
}
