package io.promethium.api.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An HTTP client with one block's {@code http_client_config} applied. {@link #send} adds the
 * credentials ({@code Authorization} from {@code basic_auth}, {@code authorization} or an
 * {@code oauth2} token fetched and refreshed as needed; secret files re-read on change, as
 * Prometheus does) and the configured {@code http_headers} to each request; TLS, proxy,
 * redirects and HTTP/2 are in the underlying transport. Thread-safe; close it when the
 * instance that owns it is closed.
 */
@ProviderType
public interface ConfiguredHttpClient extends AutoCloseable {

    /**
     * Sends a request with credentials and configured headers added (headers already on the
     * request win over configured ones, credentials always come from the config).
     *
     * @throws IOException on a transport error, or when credentials cannot be obtained (an
     *         unreadable secret file, an OAuth2 token endpoint that refuses)
     */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException;

    /** The value of the {@code Authorization} header for the next request, or {@code null} when none is configured. */
    String authorization() throws IOException;

    /**
     * The other headers {@link #send} adds to the next request, as alternating names and values
     * (a name repeats for each of its values): the configured {@code http_headers} (values,
     * secrets, and files read anew), and a proxy's {@code Proxy-Authorization}. For plugins whose
     * library sends requests through its own transport built on {@link #transport()}: they add
     * these and {@link #authorization()} to each request themselves. Secret values: never log them.
     *
     * @throws IOException when a header file cannot be read
     * @since 1.2
     */
    List<String> headers() throws IOException;

    /** The transport without credentials: TLS, proxy, redirects, HTTP version. */
    HttpClient transport();

    /** Releases the transport's connections. */
    @Override
    void close();
}
