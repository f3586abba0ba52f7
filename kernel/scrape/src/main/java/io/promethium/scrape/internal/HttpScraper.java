package io.promethium.scrape.internal;

import io.promethium.config.model.HttpClientConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;

/**
 * Fetches one target's page over HTTP into reused buffers. The whole exchange (connect, headers,
 * body) is bounded by the scrape timeout, and the body (compressed and uncompressed) by the body
 * size limit; passing either cancels the exchange.
 */
final class HttpScraper {

    /** A fetched page: the body lives in {@code buffer[0, length)} until the next fetch. */
    record Page(String contentType, byte[] buffer, int length) {
    }

    private static final String USER_AGENT = "Promethium/0.1";
    /** Without a configured limit, still refuse absurd bodies rather than run out of memory. */
    static final long DEFAULT_BODY_LIMIT = 256L * 1024 * 1024;

    private final HttpClient client;
    private final URI url;
    private final Duration timeout;
    private final long bodyLimit;
    private final HttpClientConfig http;
    private final Path configDirectory;
    private final String accept;
    private final boolean compression;
    private final PageBuffer raw = new PageBuffer(64 * 1024);
    private final PageBuffer inflated = new PageBuffer(64 * 1024);
    private HttpRequest request;

    HttpScraper(HttpClient client, URI url, Duration timeout, long bodyLimit, HttpClientConfig http, Path configDirectory,
                String accept, boolean compression) {
        this.client = Objects.requireNonNull(client, "client is null");
        this.url = Objects.requireNonNull(url, "url is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.bodyLimit = bodyLimit <= 0 ? DEFAULT_BODY_LIMIT : bodyLimit;
        this.http = Objects.requireNonNull(http, "http is null");
        this.configDirectory = configDirectory;
        this.accept = Objects.requireNonNull(accept, "accept is null");
        this.compression = compression;
    }

    Page fetch() throws ScrapeException {
        HttpRequest req = request();
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<HttpResponse<Integer>> future =
                client.sendAsync(req, info -> new BoundedBodySubscriber(raw, bodyLimit));
        HttpResponse<Integer> response;
        try {
            response = future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ScrapeException(ScrapeException.Kind.TIMEOUT, "Get \"" + url + "\": context deadline exceeded (scrape timeout "
                    + io.promethium.api.config.Durations.format(timeout) + ")");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ScrapeException(ScrapeException.Kind.HTTP, "scrape interrupted");
        } catch (ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof BoundedBodySubscriber.TooLarge) {
                    throw new ScrapeException(ScrapeException.Kind.BODY_SIZE, t.getMessage());
                }
            }
            Throwable root = e.getCause() == null ? e : e.getCause();
            throw new ScrapeException(ScrapeException.Kind.HTTP, "Get \"" + url + "\": " + describe(root));
        }
        int status = response.statusCode();
        if (status != 200) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "server returned HTTP status " + status);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String encoding = response.headers().firstValue("Content-Encoding").orElse("").trim().toLowerCase(Locale.ROOT);
        if (encoding.equals("gzip")) {
            gunzip();
            return new Page(contentType, inflated.data(), inflated.length());
        }
        if (!encoding.isEmpty() && !encoding.equals("identity")) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "unsupported Content-Encoding \"" + encoding + "\"");
        }
        return new Page(contentType, raw.data(), raw.length());
    }

    private void gunzip() throws ScrapeException {
        inflated.clear();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw.data(), 0, raw.length()), 16 * 1024)) {
            while (true) {
                byte[] into = inflated.ensure(16 * 1024);
                int n = in.read(into, inflated.length(), 16 * 1024);
                if (n < 0) {
                    return;
                }
                inflated.advance(n);
                if (inflated.length() > bodyLimit) {
                    throw new ScrapeException(ScrapeException.Kind.BODY_SIZE,
                            "body size limit exceeded (limit: " + bodyLimit + " bytes, after decompression)");
                }
            }
        } catch (IOException e) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "bad gzip body from " + url + ": " + e.getMessage());
        }
    }

    private HttpRequest request() throws ScrapeException {
        boolean fileCredentials = (http.basicAuth() != null && !http.basicAuth().passwordFile().isEmpty())
                || (http.authorization() != null && !http.authorization().credentialsFile().isEmpty());
        if (request != null && !fileCredentials) {
            return request;
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .GET()
                .timeout(timeout)
                .header("Accept", accept)
                .header("Accept-Encoding", compression ? "gzip" : "identity")
                .header("User-Agent", USER_AGENT)
                .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(timeout.toMillis() / 1000.0));
        for (Map.Entry<String, String> header : http.headers().entrySet()) {
            builder.setHeader(header.getKey(), header.getValue());
        }
        if (http.basicAuth() != null) {
            HttpClientConfig.BasicAuth basic = http.basicAuth();
            String password = basic.passwordFile().isEmpty() ? basic.password() : readSecret(basic.passwordFile());
            String token = Base64.getEncoder().encodeToString((basic.username() + ":" + password).getBytes(StandardCharsets.UTF_8));
            builder.setHeader("Authorization", "Basic " + token);
        } else if (http.authorization() != null) {
            HttpClientConfig.Authorization auth = http.authorization();
            String credentials = auth.credentialsFile().isEmpty() ? auth.credentials() : readSecret(auth.credentialsFile());
            builder.setHeader("Authorization", auth.type() + " " + credentials);
        }
        request = builder.build();
        return request;
    }

    private String readSecret(String file) throws ScrapeException {
        Path path = configDirectory == null ? Path.of(file) : configDirectory.resolve(file);
        try {
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ScrapeException(ScrapeException.Kind.HTTP, "unable to read secret file " + path + ": " + e.getMessage());
        }
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        String type = t.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }
}
