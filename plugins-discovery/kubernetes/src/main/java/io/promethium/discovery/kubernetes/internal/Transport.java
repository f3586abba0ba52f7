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
 * connections, as the JDK's client has no way to drop the kept-alive ones it pools. An answer's body
 * (a list's; not a watch's) that breaks off or stalls fails its request with an
 * {@link IncompleteAnswer} naming the API's address and path: the JDK's request timeout covers only
 * the answer's head, so a body stalled on a dead connection would otherwise wait for ever.
 */
final class Transport extends JdkHttpClientFactory implements AutoCloseable {

    private final HttpClient template;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubernetes-sd-http-", 0).factory());
    private final List<HttpClient> built = new CopyOnWriteArrayList<>();
    private final List<Renewable> renewable = new CopyOnWriteArrayList<>();
    private final java.util.function.LongSupplier stallMillis;
    private final java.util.function.LongConsumer stalled;
    /** Checks the bodies in flight for stalls. */
    private final java.util.concurrent.ScheduledExecutorService stallChecks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("kubernetes-sd-body-deadline-", 0).factory());

    /**
     * @param template the configured transport to copy, or {@code null} to keep fabric8's settings (kubeconfig, in-cluster)
     * @param stallMillis how long an answer's body may go without a byte, read as each body begins
     * @param stalled told the time allowed when a body stalled past it (after the clients were renewed)
     */
    Transport(HttpClient template, java.util.function.LongSupplier stallMillis, java.util.function.LongConsumer stalled) {
        this.template = template;
        this.stallMillis = stallMillis;
        this.stalled = stalled;
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
        stallChecks.shutdownNow();
        executor.shutdownNow();
    }

    /**
     * An answer whose body did not arrive whole: it broke off (the connection closed or failed
     * mid-body) or stalled (no byte for the time allowed). Its message names the API's address
     * and the request's path, and is what the job's warning says.
     */
    static final class IncompleteAnswer extends java.io.IOException {
        /** How every message begins (see {@link Connections.Shared#sameFailure}). */
        static final String PREFIX = "incomplete answer from ";

        IncompleteAnswer(java.net.URI uri, String what, Throwable cause) {
            super(PREFIX + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + " (" + what + ")", cause);
        }
    }

    /** Lists' bodies are guarded; a watch's (fabric8's HTTP watch, should the WebSocket fail) may rightly be silent for minutes. */
    private <T> java.net.http.HttpResponse.BodyHandler<T> guarded(java.net.http.HttpRequest request,
                                                                  java.net.http.HttpResponse.BodyHandler<T> handler) {
        String query = request.uri().getRawQuery();
        if (query != null && ("&" + query + "&").contains("&watch=true&")) {
            return handler;
        }
        return info -> new GuardedBody<>(handler.apply(info), request.uri());
    }

    /**
     * Passes a body on, and fails it with an {@link IncompleteAnswer} when it breaks off or goes
     * {@link #stallMillis} without a byte. A stall is taken for a dead connection: the clients are
     * renewed, so the retry goes on a new one.
     */
    private final class GuardedBody<T> implements java.net.http.HttpResponse.BodySubscriber<T> {
        private final java.net.http.HttpResponse.BodySubscriber<T> delegate;
        private final java.net.URI uri;
        private final long allowedMillis = stallMillis.getAsLong();
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile java.util.concurrent.Flow.Subscription subscription;
        private volatile java.util.concurrent.ScheduledFuture<?> check;
        private volatile long lastByte = System.nanoTime();
        private volatile long bytes;

        GuardedBody(java.net.http.HttpResponse.BodySubscriber<T> delegate, java.net.URI uri) {
            this.delegate = delegate;
            this.uri = uri;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            this.subscription = subscription;
            lastByte = System.nanoTime();
            schedule(allowedMillis);
            delegate.onSubscribe(subscription);
        }

        private void schedule(long millis) {
            try {
                check = stallChecks.schedule(this::check, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the transport is closed: so is every request
            }
        }

        private void check() {
            if (ended.get()) {
                return;
            }
            long idleMillis = (System.nanoTime() - lastByte) / 1_000_000L;
            if (idleMillis < allowedMillis) {
                schedule(allowedMillis - idleMillis);
                return;
            }
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            subscription.cancel();
            renewConnections();
            stalled.accept(allowedMillis);
            delegate.onError(new IncompleteAnswer(uri, "its body stalled after " + bytes + " bytes for " + allowedMillis / 1000
                    + " s; its connection presumed cut, retrying on a new one", null));
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> items) {
            long n = bytes;
            for (java.nio.ByteBuffer item : items) {
                n += item.remaining();
            }
            bytes = n;
            lastByte = System.nanoTime();
            delegate.onNext(items);
        }

        @Override
        public void onError(Throwable failure) {
            if (ended.compareAndSet(false, true)) {
                cancelCheck();
                delegate.onError(new IncompleteAnswer(uri, "its body broke off after " + bytes + " bytes: "
                        + failure.getClass().getSimpleName() + ": " + failure.getMessage(), failure));
            }
        }

        @Override
        public void onComplete() {
            if (ended.compareAndSet(false, true)) {
                cancelCheck();
                delegate.onComplete();
            }
        }

        private void cancelCheck() {
            java.util.concurrent.ScheduledFuture<?> scheduled = check;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        @Override
        public java.util.concurrent.CompletionStage<T> getBody() {
            return delegate.getBody();
        }
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
            return current.send(request, guarded(request, handler));
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
                java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler) {
            return current.sendAsync(request, guarded(request, handler));
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
                java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler,
                java.net.http.HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
            return current.sendAsync(request, guarded(request, handler), pushPromiseHandler);
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
