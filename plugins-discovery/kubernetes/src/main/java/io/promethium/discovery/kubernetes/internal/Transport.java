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
 * connection. Its clients can {@linkplain #renewConnections() start afresh}: later requests open new
 * connections, as the JDK's client has no way to drop the kept-alive ones it pools.
 */
final class Transport extends JdkHttpClientFactory implements AutoCloseable {

    private final HttpClient template;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubernetes-sd-http-", 0).factory());
    private final List<HttpClient> built = new CopyOnWriteArrayList<>();
    private final List<Renewable> renewable = new CopyOnWriteArrayList<>();

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

    /**
     * Every later request goes on a new connection: each client built here is replaced by a new
     * one with the same settings, and the old one shut down once what it carries (requests in
     * flight, open WebSocket watches) is over. For a request that got no answer on a connection
     * that may be dead: a kept-alive HTTP/1.1 connection (the pool holds as many as requests ran
     * at once, each maybe dead) or the one HTTP/2 connection every request shares (a request
     * timing out on it closes only its stream, so the next would wait on it too).
     */
    void renewConnections() {
        for (Renewable client : renewable) {
            client.renew();
        }
        built.removeIf(HttpClient::isTerminated);
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
            Renewable client = new Renewable(delegate);
            renewable.add(client);
            return client;
        }
    }

    /** A JDK client that can be replaced by a new one with the same settings ({@link #renewConnections()}). */
    private final class Renewable extends HttpClient {
        private final HttpClient.Builder builder;
        private volatile HttpClient current;

        Renewable(HttpClient.Builder builder) {
            this.builder = builder;
            this.current = fresh();
        }

        private HttpClient fresh() {
            HttpClient client = builder.build();
            built.add(client);
            return client;
        }

        synchronized void renew() {
            HttpClient old = current;
            current = fresh();
            // Orderly: the old client's requests in flight and open WebSockets carry on; it stops after them.
            old.shutdown();
        }

        @Override
        public java.util.Optional<CookieHandler> cookieHandler() {
            return current.cookieHandler();
        }

        @Override
        public java.util.Optional<Duration> connectTimeout() {
            return current.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return current.followRedirects();
        }

        @Override
        public java.util.Optional<ProxySelector> proxy() {
            return current.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return current.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return current.sslParameters();
        }

        @Override
        public java.util.Optional<Authenticator> authenticator() {
            return current.authenticator();
        }

        @Override
        public Version version() {
            return current.version();
        }

        @Override
        public java.util.Optional<Executor> executor() {
            return current.executor();
        }

        @Override
        public <T> java.net.http.HttpResponse<T> send(java.net.http.HttpRequest request,
                                                      java.net.http.HttpResponse.BodyHandler<T> handler)
                throws java.io.IOException, InterruptedException {
            return current.send(request, handler);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
                java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler) {
            return current.sendAsync(request, handler);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
                java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler,
                java.net.http.HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
            return current.sendAsync(request, handler, pushPromiseHandler);
        }

        @Override
        public java.net.http.WebSocket.Builder newWebSocketBuilder() {
            return current.newWebSocketBuilder();
        }

        @Override
        public void shutdown() {
            current.shutdown();
        }

        @Override
        public boolean awaitTermination(Duration duration) throws InterruptedException {
            return current.awaitTermination(duration);
        }

        @Override
        public boolean isTerminated() {
            return current.isTerminated();
        }

        @Override
        public void shutdownNow() {
            current.shutdownNow();
        }
    }

}
