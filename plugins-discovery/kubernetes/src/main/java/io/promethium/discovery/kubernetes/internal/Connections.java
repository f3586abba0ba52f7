package io.promethium.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The API connections of every Kubernetes discoverer, and their informers. Blocks that reach the
 * same API the same way share one client; discoverers that need the same objects (kind,
 * namespace, selectors) share one informer: one list and one watch for all jobs. Both are
 * reference counted and closed with their last user.
 */
final class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class.getName());

    /** Every request's time limit, as fabric8's default. */
    static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofSeconds(60);
    /** Marks the failure of a request left unanswered (see {@link Shared#sameFailure}). */
    static final String NO_ANSWER = "no answer from ";

    private final InCluster inCluster;
    private final java.time.Duration retryInterval;
    private final java.time.Duration watchTimeout;
    private final java.time.Duration answerMinimum;
    private final Map<Object, Connection> open = new HashMap<>();

    /**
     * @param watchTimeout a watch that has delivered nothing (no event, no new connection) for a
     *     random time between this and twice this is renewed: see {@link Shared#renew()}
     */
    Connections(InCluster inCluster, java.time.Duration retryInterval, java.time.Duration watchTimeout, java.time.Duration answerMinimum) {
        this.inCluster = inCluster;
        this.retryInterval = retryInterval;
        this.watchTimeout = watchTimeout;
        this.answerMinimum = answerMinimum;
    }

    synchronized Connection acquire(KubernetesSdConfig config, PluginConfig block, PluginContext context) throws Exception {
        Object key = List.of(config.connection(), context.configDirectory().toAbsolutePath().toString());
        Connection connection = open.get(key);
        if (connection == null) {
            connection = new Connection(key, config, block, context, inCluster, retryInterval, watchTimeout, answerMinimum);
            open.put(key, connection);
        }
        connection.refs++;
        return connection;
    }

    synchronized void release(Connection connection) {
        if (--connection.refs == 0) {
            open.remove(connection.key);
            connection.close();
        }
    }

    InCluster inCluster() {
        return inCluster;
    }

    /** How many connections are open (tests: sharing and release). */
    synchronized int openConnections() {
        return open.size();
    }

    /** Something that hears about one informer's objects and failures. */
    interface Subscriber {
        void changed(Kind kind, HasMetadata object, String event);

        /** The list or watch failed; called once per distinct failure (the informer retries with backoff). */
        void failed(Kind kind, String namespace, String error);

        /** A list or watch succeeded after {@link #failed}. */
        void recovered(Kind kind, String namespace);
    }

    /** One client to one API server, with its informers. */
    static final class Connection {
        private final Object key;
        private int refs;
        private final KubernetesClient client;
        private final Transport transport;
        private final ConfiguredHttpClient http;
        private final ExecutorService tasks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kubernetes-sd-informer-", 0).factory());
        private final Map<List<Object>, Shared<?>> informers = new HashMap<>();
        /** Watch requests sent and not answered yet, by what they watch (see {@link #watchOutcomes()}). */
        private final Set<String> unanswered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** When each list or watch request in flight was sent, by its URI. */
        private final Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
        /** How long lists and watches may wait for their answer (see {@link AnswerTimes}). */
        private final AnswerTimes answerTimes;
        private final java.time.Duration watchTimeout;
        /**
         * The connection's own thread: the watchdog, and every report of a request's outcome to
         * the informers and discoverers. fabric8 calls the interceptors and exception handlers
         * on its threads, sometimes holding its informers' locks, which the discoverers take
         * when they stop an informer: reports never run on fabric8's threads.
         */
        private final java.util.concurrent.ScheduledExecutorService watchdog;

        Connection(Object key, KubernetesSdConfig config, PluginConfig block, PluginContext context, InCluster inCluster,
                   java.time.Duration retryInterval, java.time.Duration watchTimeout, java.time.Duration answerMinimum) throws Exception {
            this.key = key;
            this.answerTimes = new AnswerTimes(REQUEST_TIMEOUT, answerMinimum);
            this.watchTimeout = watchTimeout;
            this.watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofVirtual().name("kubernetes-sd-watchdog-", 0).factory());
            Config clientConfig;
            Interceptor auth = null;
            if (config.apiServer() != null) {
                http = context.httpClients().create(block, context.configDirectory());
                transport = new Transport(http.transport(), answerTimes::listMillis, answerTimes::listUnanswered);
                clientConfig = new ConfigBuilder(Config.empty()).withMasterUrl(config.apiServer().toString()).build();
                ConfiguredHttpClient configured = http;
                auth = requestHeaders(configured::authorization, configured::headers);
            } else if (config.kubeconfigFile() != null) {
                http = null;
                Path file = context.configDirectory().resolve(config.kubeconfigFile());
                clientConfig = Config.fromKubeconfig(null, Files.readString(file), file.toString());
                transport = new Transport(null, answerTimes::listMillis, answerTimes::listUnanswered);
            } else {
                http = null;
                clientConfig = new ConfigBuilder(Config.empty()).withMasterUrl(inCluster.apiServer())
                        .withCaCertFile(inCluster.caFile().toString()).build();
                InCluster.Token token = new InCluster.Token(inCluster.tokenFile());
                auth = requestHeaders(() -> "Bearer " + token.get(), List::of);
                transport = new Transport(null, answerTimes::listMillis, answerTimes::listUnanswered);
            }
            clientConfig.setConnectionTimeout(10_000);
            clientConfig.setRequestTimeout((int) REQUEST_TIMEOUT.toMillis());
            // Re-list and re-watch forever, backing off from the retry interval (fabric8 doubles it up to 32 times).
            clientConfig.setWatchReconnectInterval((int) retryInterval.toMillis());
            clientConfig.setWatchReconnectLimit(-1);
            // The informer retries itself; fabric8's own per-request retries (about 19 s by default)
            // would delay every report of a failure by that much. One retry, 100 ms later, is kept:
            // only a request that may be retried tells the interceptors of its failed connection
            // (see watchOutcomes), so a refused watch re-open is known at once.
            clientConfig.setRequestRetryBackoffLimit(1);
            clientConfig.setRequestRetryBackoffInterval(100);
            KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(clientConfig).withHttpClientFactory(transport)
                    .withTaskExecutor(tasks);
            Interceptor authorization = auth;
            builder.withHttpClientBuilderConsumer(b -> {
                if (authorization != null) {
                    b.addOrReplaceInterceptor("promethium-authorization", authorization);
                }
                b.addOrReplaceInterceptor("promethium-watch-outcomes", watchOutcomes());
            });
            client = builder.build();
            long check = Math.max(50, watchTimeout.toMillis() / 4);
            watchdog.scheduleWithFixedDelay(this::renewSilentWatches, check, check, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /**
         * Reports the answers to watch requests to their informers. fabric8's watch reconnects by
         * itself once it has been established, and the failures of those reconnects (a 500, a
         * 401, a refused connection) reach neither the informer's exception handler nor any
         * callback: only fabric8's debug log. Lists fail through the exception handler and are
         * not looked at here. A watch request that got no answer at all (its connection failed)
         * is known at once from fabric8's connection-failure callback, or else when the next one
         * for the same objects is sent.
         */
        private Interceptor watchOutcomes() {
            return new Interceptor() {
                @Override
                public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                    String watch = watchOf(request);
                    if (!"GET".equals(request.method())) {
                        return;
                    }
                    long now = System.nanoTime();
                    // A request that failed on its last attempt is not seen again here: forgotten after a while.
                    sentAt.values().removeIf(sent -> now - sent > 2 * REQUEST_TIMEOUT.toNanos());
                    sentAt.put(request.uri().toString(), now);
                    if (watch != null) {
                        if (!unanswered.add(watch)) {
                            report(() -> watchAnswered(request, 0, null));
                        }
                        answerWithin(builder, answerTimes.watchMillis());
                    } else {
                        answerWithin(builder, answerTimes.listMillis());
                    }
                }

                @Override
                public void afterConnectionFailure(HttpRequest request, Throwable failure) {
                    String watch = watchOf(request);
                    Long requestSent = sentAt.remove(request.uri().toString());
                    Long sent = watch == null ? requestSent : null;
                    if (unanswered(failure)) {
                        // Most likely a dead kept-alive connection: fabric8's retry, 100 ms from now, and every
                        // later request go on new connections.
                        transport.renewConnections();
                        if (sent != null) {
                            answerTimes.listUnanswered(answerTimes.listMillis());
                        }
                        String cause = NO_ANSWER + endpoint(request) + " (" + Shared.describe(failure) + " after "
                                + (sent == null ? answerTimes.watchMillis() : (System.nanoTime() - sent) / 1_000_000L) / 1000
                                + " s; its connection presumed cut, retrying on a new one)";
                        if (watch != null) {
                            unanswered.remove(watch);
                        }
                        report(() -> requestUnanswered(request, requestSent, cause));
                    } else if (watch != null && unanswered.remove(watch)) {
                        String cause = Shared.describe(failure);
                        report(() -> watchAnswered(request, 0, cause));
                    }
                }

                @Override
                public void after(HttpRequest request, io.fabric8.kubernetes.client.http.HttpResponse<?> response,
                                  io.fabric8.kubernetes.client.http.AsyncBody.Consumer<List<java.nio.ByteBuffer>> consumer) {
                    String watch = watchOf(request);
                    Long sent = sentAt.remove(request.uri().toString());
                    if (watch != null) {
                        unanswered.remove(watch);
                        int status = response.code();
                        report(() -> watchAnswered(request, status, null));
                    } else {
                        if (sent != null) {
                            answerTimes.listAnswered(System.nanoTime() - sent);
                        }
                    }
                }
            };
        }

        /** Sets the time a request may wait for its answer (the response's head; a WebSocket's upgrade). */
        private static void answerWithin(BasicBuilder builder, long millis) {
            if (builder instanceof io.fabric8.kubernetes.client.http.WebSocket.Builder webSocket) {
                webSocket.connectTimeout(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            } else if (builder instanceof HttpRequest.Builder http) {
                http.timeout(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }

        /** Whether a request failed for want of an answer (not for a refused or failed new connection). */
        private static boolean unanswered(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof java.net.http.HttpConnectTimeoutException) {
                    return false;
                }
                if (t instanceof java.net.http.HttpTimeoutException) {
                    return true;
                }
            }
            return false;
        }

        /** The API's address and the request's path, without its query: "https://k8s:6443/api/v1/pods". */
        private static String endpoint(HttpRequest request) {
            java.net.URI uri = request.uri();
            return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
        }

        /** A list or watch request got no answer in time: its informers are told (see {@link Shared#watchFailed}). */
        private void requestUnanswered(HttpRequest request, Long sent, String cause) {
            for (Shared<?> shared : informersOf(request)) {
                shared.unanswered(sent, cause);
            }
        }

        private List<Shared<?>> informersOf(HttpRequest request) {
            String path = request.uri().getRawPath();
            List<Shared<?>> watching = new ArrayList<>();
            synchronized (this) {
                for (Shared<?> shared : informers.values()) {
                    if (path.endsWith("/" + shared.description)) {
                        watching.add(shared);
                    }
                }
            }
            return watching;
        }

        /** What a watch request watches (its path and selectors), or {@code null} for other requests. */
        private static String watchOf(HttpRequest request) {
            String query = request.uri().getRawQuery();
            if (query == null || !("&" + query + "&").contains("&watch=true&")) {
                return null;
            }
            StringBuilder what = new StringBuilder(request.uri().getRawPath());
            for (String parameter : query.split("&")) {
                if (parameter.startsWith("labelSelector=") || parameter.startsWith("fieldSelector=")) {
                    what.append('&').append(parameter);
                }
            }
            return what.toString();
        }

        /** Runs {@code report} on the connection's thread, in order; dropped once the connection is closed. */
        private void report(Runnable report) {
            try {
                watchdog.execute(report);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the connection is closed: nobody to tell
            }
        }

        /**
         * {@code status}: the HTTP status of the answer (101 for a WebSocket watch), 0 when none
         * came; then {@code cause} says why when it is known.
         */
        private void watchAnswered(HttpRequest request, int status, String cause) {
            for (Shared<?> shared : informersOf(request)) {
                if (status == 410) {
                    continue; // Gone: the informer lists anew, as it should; not a failure
                }
                if (status == 101 || (status >= 200 && status < 300)) {
                    shared.answered();
                } else {
                    shared.watchFailed(status == 0 ? null : "HTTP " + status, cause);
                }
            }
        }

        /** The watchdog: renews every informer whose watch has been silent past its time (see {@link Shared#renew()}). */
        private void renewSilentWatches() {
            List<Shared<?>> all;
            synchronized (this) {
                all = new ArrayList<>(informers.values());
            }
            long now = System.nanoTime();
            for (Shared<?> shared : all) {
                try {
                    if (shared.silentSince(now)) {
                        shared.renew();
                    }
                } catch (RuntimeException e) {
                    LOG.warning("Kubernetes discovery: cannot renew the watch of " + shared.description + ": " + e);
                }
            }
        }

        private interface Credentials {
            String get() throws IOException;
        }

        private interface Headers {
            List<String> get() throws IOException;
        }

        /**
         * Adds the credentials and the configured {@code http_headers} to every request (list, watch
         * and its WebSocket upgrade alike), fetched anew each time: rotated tokens, refreshed
         * OAuth2, header files rewritten. A header the client already set on the request wins, as
         * with the kernel's clients.
         */
        private static Interceptor requestHeaders(Credentials credentials, Headers headers) {
            return new Interceptor() {
                @Override
                public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                    try {
                        String value = credentials.get();
                        if (value != null && !value.isEmpty()) {
                            builder.setHeader("Authorization", value);
                        }
                        List<String> extra = headers.get();
                        if (extra.isEmpty()) {
                            return;
                        }
                        Set<String> own = new HashSet<>();
                        request.headers().keySet().forEach(name -> own.add(name.toLowerCase(Locale.ROOT)));
                        Set<String> set = new HashSet<>();
                        for (int i = 0; i + 1 < extra.size(); i += 2) {
                            String name = extra.get(i);
                            String key = name.toLowerCase(Locale.ROOT);
                            if (own.contains(key)) {
                                continue;
                            }
                            if (set.add(key)) {
                                builder.setHeader(name, extra.get(i + 1));
                            } else {
                                builder.header(name, extra.get(i + 1));
                            }
                        }
                    } catch (IOException e) {
                        // The request goes without them: a missing token fails with 401, which the informer reports
                        // and retries; a header file that cannot be read is said here (its path, never a value).
                        LOG.warning("Kubernetes discovery: cannot read the API credentials or http_headers: " + e.getMessage());
                    }
                }
            };
        }

        /** The shared informer of one kind in one namespace ({@code null}: all) with one selector, started on first use. */
        @SuppressWarnings("unchecked")
        synchronized <T extends HasMetadata> Shared<T> watch(Kind kind, String namespace, KubernetesSdConfig.Selector selector,
                                                              KubernetesSdMetrics metrics) {
            List<Object> informerKey = java.util.Arrays.asList(kind, namespace, selector);
            Shared<T> shared = (Shared<T>) informers.get(informerKey);
            if (shared == null) {
                shared = new Shared<>(kind, namespace, informerKey, () -> (SharedIndexInformer<T>) informer(kind, namespace, selector),
                        metrics, watchTimeout, this::report);
                informers.put(informerKey, shared);
                shared.start();
            }
            shared.refs++;
            return shared;
        }

        synchronized void unwatch(Shared<?> shared) {
            if (--shared.refs == 0) {
                informers.remove(shared.key);
                shared.stop();
            }
        }

        private SharedIndexInformer<? extends HasMetadata> informer(Kind kind, String ns, KubernetesSdConfig.Selector selector) {
            return switch (kind) {
                case POD -> filtered(ns == null ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns), selector);
                case SERVICE -> filtered(ns == null ? client.services().inAnyNamespace() : client.services().inNamespace(ns), selector);
                case ENDPOINTS -> filtered(ns == null ? client.endpoints().inAnyNamespace() : client.endpoints().inNamespace(ns), selector);
                case ENDPOINTSLICE -> filtered(ns == null ? client.discovery().v1().endpointSlices().inAnyNamespace()
                        : client.discovery().v1().endpointSlices().inNamespace(ns), selector);
                case INGRESS -> filtered(ns == null ? client.network().v1().ingresses().inAnyNamespace()
                        : client.network().v1().ingresses().inNamespace(ns), selector);
                case NODE -> filtered(client.nodes(), selector);
                case NAMESPACE -> filtered(client.namespaces(), selector);
            };
        }

        private static <T extends HasMetadata> SharedIndexInformer<T> filtered(FilterWatchListDeletable<T, ?, ?> op,
                                                                               KubernetesSdConfig.Selector selector) {
            FilterWatchListDeletable<T, ?, ?> filtered = op;
            if (!selector.label().isBlank()) {
                filtered = filtered.withLabelSelector(selector.label());
            }
            for (Selectors.FieldTerm term : Selectors.parseFieldSelector(selector.field())) {
                filtered = term.equal() ? filtered.withField(term.key(), term.value()) : filtered.withoutField(term.key(), term.value());
            }
            return filtered.runnableInformer(0);
        }

        private synchronized void close() {
            watchdog.shutdownNow();
            for (Shared<?> shared : new ArrayList<>(informers.values())) {
                shared.stop();
            }
            informers.clear();
            client.close();
            transport.close();
            if (http != null) {
                http.close();
            }
            tasks.shutdownNow();
        }
    }

    /**
     * One informer, its users and the last failure it reported. The informer is replaced when its
     * watch is renewed ({@link #renew()}); readers take the current one from {@link #informer()}.
     */
    static final class Shared<T extends HasMetadata> {
        final Kind kind;
        final String namespace;
        /** What the informer watches, as fabric8 names it: the end of its requests' path ("v1/namespaces/shop/pods"). */
        final String description;
        private final List<Object> key;
        private final java.util.function.Supplier<SharedIndexInformer<T>> source;
        private final KubernetesSdMetrics metrics;
        private final long watchTimeoutNanos;
        private final java.util.function.Consumer<Runnable> reports;
        private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
        private volatile SharedIndexInformer<T> informer;
        private int refs;
        private volatile boolean closed;
        private volatile String lastError;
        /** When {@link #lastError} was last cleared by an answer ({@link System#nanoTime}); the creation at first. */
        private volatile long recoveredAt = System.nanoTime();
        /** When the watch last showed it is alive (an event, an answered watch request, a renewal), and how long it may be silent. */
        private volatile long lastHeard;
        private volatile long silenceAllowed;

        Shared(Kind kind, String namespace, List<Object> key, java.util.function.Supplier<SharedIndexInformer<T>> source,
               KubernetesSdMetrics metrics, java.time.Duration watchTimeout, java.util.function.Consumer<Runnable> reports) {
            this.reports = reports;
            this.kind = kind;
            this.namespace = namespace;
            this.key = key;
            this.source = source;
            this.metrics = metrics;
            this.watchTimeoutNanos = watchTimeout.toNanos();
            this.informer = wired(source.get());
            this.description = informer.toString();
            renewed();
        }

        SharedIndexInformer<T> informer() {
            return informer;
        }

        synchronized void start() {
            informer.start();
        }

        synchronized void stop() {
            closed = true;
            informer.stop();
        }

        /**
         * Replaces the informer by a new one that starts from the old one's objects: it lists
         * anew, reports the differences as events (a changed object as an
         * update, a vanished one as a delete) and watches from the new list. A watch whose
         * connection was cut without a close (a NAT or firewall dropping it) is otherwise noticed
         * only when the JDK's WebSocket next writes, minutes later or never, and fabric8's own
         * watch timeout waits for that connection to close; client-go bounds its watches with a
         * random 5 to 10 minute timeout for the same reason.
         */
        synchronized void renew() {
            if (closed) {
                return;
            }
            SharedIndexInformer<T> old = informer;
            SharedIndexInformer<T> fresh = wired(source.get());
            fresh.initialState(List.copyOf(old.getStore().list()).stream());
            informer = fresh;
            renewed();
            fresh.start();
            old.stop();
            LOG.fine(() -> "Kubernetes discovery: the watch of " + description + " was silent too long; re-listed and watching anew");
        }

        /** Whether the watch has been silent past its time, and the informer is not still busy with its first list. */
        boolean silentSince(long now) {
            return !closed && informer.hasSynced() && now - lastHeard > silenceAllowed;
        }

        private void heard() {
            lastHeard = System.nanoTime();
        }

        /** A new watch: heard now, and allowed a new random silence (watches renewed together do not stay in step). */
        private void renewed() {
            silenceAllowed = watchTimeoutNanos + (long) (java.util.concurrent.ThreadLocalRandom.current().nextDouble() * watchTimeoutNanos);
            heard();
        }

        private SharedIndexInformer<T> wired(SharedIndexInformer<T> created) {
            created.exceptionHandler((started, error) -> {
                if (closed || informer != created) {
                    // Stopped, or replaced by a renewal: not counted. "Retry" is what keeps fabric8 quiet;
                    // a stopped informer does not retry.
                    return true;
                }
                String message = describe(error);
                if (!sameFailure(message, "HTTP 410")) {
                    // 410 Gone is the API asking for a new list, which the informer makes: not a failure
                    // (an API server says it inside a watch that was answered, as an ERROR event).
                    reports.accept(() -> failed(message));
                }
                return true;
            });
            created.addEventHandler(new ResourceEventHandler<T>() {
                @Override
                public void onAdd(T obj) {
                    fanOut(obj, "add");
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    fanOut(newObj, "update");
                }

                @Override
                public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                    fanOut(obj, "delete");
                }
            });
            return created;
        }

        /**
         * A request of this informer ({@code sent}: when, {@link System#nanoTime}, if known) got no
         * answer. One sent before the informer last recovered says nothing of now: the pool held
         * several connections the cut killed, and this one's timeout came after the informer was
         * answered on a new connection. It is counted, not reported again.
         */
        void unanswered(Long sent, String message) {
            if (closed) {
                return;
            }
            if (sent != null && sent - recoveredAt < 0) {
                metrics.failures.inc();
                return;
            }
            failed(message);
        }

        void failed(String message) {
            if (closed) {
                return;
            }
            metrics.failures.inc();
            if (!sameFailure(message, lastError)) {
                lastError = message;
                for (Subscriber subscriber : subscribers) {
                    subscriber.failed(kind, namespace, message);
                }
            }
        }

        /**
         * A watch request of this informer was refused ({@code status}: its status) or not
         * answered ({@code null}; {@code cause}: its connection's failure, when known). A request
         * that got no answer while a failure is known is counted, not reported: a refusing server
         * also resets some connections.
         */
        void watchFailed(String status, String cause) {
            if (closed) {
                return;
            }
            if (status == null && lastError != null) {
                metrics.failures.inc();
                return;
            }
            failed(status != null ? status : "the watch request got no answer (connection failed"
                    + (cause == null ? "" : ": " + cause) + ")");
        }

        /** A watch request of this informer was answered: the API is back, and the watch alive. */
        void answered() {
            heard();
            recovered();
        }

        private void recovered() {
            if (lastError != null) {
                recoveredAt = System.nanoTime();
                lastError = null;
                for (Subscriber subscriber : subscribers) {
                    subscriber.recovered(kind, namespace);
                }
            }
        }

        private void fanOut(T obj, String event) {
            heard();
            recovered();
            for (Subscriber subscriber : subscribers) {
                subscriber.changed(kind, obj, event);
            }
        }

        void subscribe(Subscriber subscriber) {
            subscribers.add(subscriber);
            String error = lastError;
            if (error != null) {
                subscriber.failed(kind, namespace, error);
            }
        }

        void unsubscribe(Subscriber subscriber) {
            subscribers.remove(subscriber);
        }

        boolean hasSynced() {
            return informer.hasSynced();
        }

        boolean isWatching() {
            return informer.isWatching();
        }

        /**
         * Whether two descriptions ({@link #describe}) are one failure, logged once: the same
         * text, or the same HTTP status. A refusal reads differently by request (a list carries the
         * API's {@code Status} message, a watch's refused WebSocket upgrade only the reason phrase),
         * and the informer alternates the two while it retries.
         */
        static boolean sameFailure(String a, String b) {
            if (a == null || b == null) {
                return a == b;
            }
            if ((a.startsWith(NO_ANSWER) && b.startsWith(NO_ANSWER))
                    || (a.startsWith(Transport.IncompleteAnswer.PREFIX) && b.startsWith(Transport.IncompleteAnswer.PREFIX))
                    || (a.startsWith(UNREADABLE) && b.startsWith(UNREADABLE))
                    || (a.startsWith(CLOSED) && b.startsWith(CLOSED))) {
                // the same request unanswered (or answered in part) again, whatever the time or bytes: one failure
                return a.substring(0, a.indexOf(" (")).equals(b.substring(0, b.indexOf(" (")));
            }
            return a.equals(b) || (a.startsWith("HTTP ") && status(a).equals(status(b)));
        }

        /** "HTTP 401" of "HTTP 401: Unauthorized". */
        private static String status(String description) {
            int colon = description.indexOf(':');
            return colon < 0 ? description : description.substring(0, colon);
        }

        /**
         * A short, stable description: the HTTP status and the API's message, an answer that came
         * in part (its address, path and why), else the root cause.
         */
        static String describe(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof Transport.IncompleteAnswer incomplete) {
                    return incomplete.getMessage();
                }
                if (t instanceof KubernetesClientException k) {
                    int code = k.getCode();
                    String message = null;
                    if (k.getStatus() != null) {
                        if (code <= 0 && k.getStatus().getCode() != null) {
                            code = k.getStatus().getCode();
                        }
                        message = k.getStatus().getMessage();
                    }
                    if (code > 0) {
                        return "HTTP " + code + (message == null || message.isEmpty() ? "" : ": " + message);
                    }
                }
            }
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String cause = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
            if (connectionClosed(root)) {
                // The connection went away before the answer's head (an HTTP/2 GOAWAY, a proxy's close):
                // where, when fabric8 says it, rather than a bare "ClosedChannelException: null".
                String endpoint = endpointIn(error);
                return CLOSED + (endpoint == null ? "the API server" : endpoint) + " (" + cause + ")";
            }
            if (root instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
                // A body that arrived whole but is not the JSON asked for (cut short where nothing told its
                // length): its first line, and where it came from when fabric8's message says it.
                cause = root.getClass().getSimpleName() + ": " + json.getOriginalMessage();
                String endpoint = endpointIn(error);
                if (endpoint != null) {
                    return UNREADABLE + endpoint + " (" + cause + ")";
                }
            }
            return cause;
        }

        /** How a description of a connection closed before its answer begins (see {@link #sameFailure}). */
        static final String CLOSED = "connection closed before an answer from ";

        private static boolean connectionClosed(Throwable root) {
            if (root instanceof java.nio.channels.ClosedChannelException || root instanceof java.io.EOFException) {
                return true;
            }
            // A write on a connection the peer closed fails with "Broken pipe" or "Connection reset": the
            // same GOAWAY and close, met while the client was still sending.
            String message = root instanceof java.io.IOException ? root.getMessage() : null;
            return message != null && (message.contains("EOF") || message.contains("closed") || message.contains("Broken pipe")
                    || message.contains("Connection reset"));
        }

        /** How a description of an answer that could not be read begins (see {@link #sameFailure}). */
        static final String UNREADABLE = "unreadable answer from ";

        /**
         * The API's address and path of the failed request, from fabric8's message ("Error
         * executing: GET at: http://k8s:6443/api/v1/pods?limit=500. Cause: ..."), or {@code null}.
         */
        private static String endpointIn(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                String message = t instanceof KubernetesClientException ? t.getMessage() : null;
                int at = message == null ? -1 : message.indexOf(" at: ");
                if (at >= 0) {
                    int end = message.indexOf(". Cause: ", at);
                    try {
                        java.net.URI uri = java.net.URI.create(message.substring(at + 5, end < 0 ? message.length() : end).strip());
                        if (uri.getScheme() != null && uri.getRawAuthority() != null) {
                            return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
                        }
                    } catch (IllegalArgumentException notAUri) {
                        // said otherwise: no endpoint
                    }
                }
            }
            return null;
        }
    }
}
