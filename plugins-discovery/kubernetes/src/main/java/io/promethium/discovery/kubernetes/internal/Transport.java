package io.promethium.discovery.kubernetes.internal;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * fabric8's JDK transport, made to follow the plugin's rules: when a block names an
 * {@code api_server}, TLS, proxy, redirects and HTTP version come from the transport the
 * kernel's HTTP client factory built for its {@code http_client_config}; requests run on virtual
 * threads; and {@link #close()} shuts the JDK clients down so no selector thread outlives the
 * connection.
 */
final class Transport extends JdkHttpClientFactory implements AutoCloseable {

    private final HttpClient template;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubernetes-sd-http-", 0).factory());
    private final List<HttpClient> built = new CopyOnWriteArrayList<>();

    /** @param template the configured transport to copy, or {@code null} to keep fabric8's settings (kubeconfig, in-cluster) */
    Transport(HttpClient template) {
        this.template = template;
    }

    @Override
    protected HttpClient.Builder createNewHttpClientBuilder() {
        return new Capturing(HttpClient.newBuilder().executor(executor));
    }

    @Override
    protected void additionalConfig(HttpClient.Builder builder) {
        builder.executor(executor);
        if (template == null) {
            return;
        }
        builder.sslContext(template.sslContext());
        builder.sslParameters(template.sslParameters());
        template.proxy().ifPresentOrElse(builder::proxy, () -> builder.proxy(HttpClient.Builder.NO_PROXY));
        template.authenticator().ifPresent(builder::authenticator);
        builder.followRedirects(template.followRedirects());
        builder.version(template.version());
        template.connectTimeout().ifPresent(builder::connectTimeout);
    }

    @Override
    public void close() {
        for (HttpClient client : built) {
            client.shutdownNow();
        }
        executor.shutdownNow();
    }

    /** Remembers the clients it builds, so they can be shut down. */
    private final class Capturing implements HttpClient.Builder {
        private final HttpClient.Builder delegate;

        Capturing(HttpClient.Builder delegate) {
            this.delegate = delegate;
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
            delegate.cookieHandler(cookieHandler);
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            delegate.connectTimeout(duration);
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext sslContext) {
            delegate.sslContext(sslContext);
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
            delegate.sslParameters(sslParameters);
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor ignored) {
            // Always the connection's virtual-thread executor, shut down with it.
            delegate.executor(executor);
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            delegate.followRedirects(policy);
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            delegate.version(version);
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            delegate.priority(priority);
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector proxySelector) {
            delegate.proxy(proxySelector);
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            delegate.authenticator(authenticator);
            return this;
        }

        @Override
        public HttpClient build() {
            HttpClient client = delegate.build();
            built.add(client);
            return client;
        }
    }

}
