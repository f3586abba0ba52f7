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

    private final InCluster inCluster;
    private final java.time.Duration retryInterval;
    private final Map<Object, Connection> open = new HashMap<>();

    Connections(InCluster inCluster, java.time.Duration retryInterval) {
        this.inCluster = inCluster;
        this.retryInterval = retryInterval;
    }

    synchronized Connection acquire(KubernetesSdConfig config, PluginConfig block, PluginContext context) throws Exception {
        Object key = List.of(config.connection(), context.configDirectory().toAbsolutePath().toString());
        Connection connection = open.get(key);
        if (connection == null) {
            connection = new Connection(key, config, block, context, inCluster, retryInterval);
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

        Connection(Object key, KubernetesSdConfig config, PluginConfig block, PluginContext context, InCluster inCluster,
                   java.time.Duration retryInterval) throws Exception {
            this.key = key;
            Config clientConfig;
            Interceptor auth = null;
            if (config.apiServer() != null) {
                http = context.httpClients().create(block, context.configDirectory());
                transport = new Transport(http.transport());
                clientConfig = new ConfigBuilder(Config.empty()).withMasterUrl(config.apiServer().toString()).build();
                ConfiguredHttpClient configured = http;
                auth = requestHeaders(configured::authorization, configured::headers);
            } else if (config.kubeconfigFile() != null) {
                http = null;
                Path file = context.configDirectory().resolve(config.kubeconfigFile());
                clientConfig = Config.fromKubeconfig(null, Files.readString(file), file.toString());
                transport = new Transport(null);
            } else {
                http = null;
                clientConfig = new ConfigBuilder(Config.empty()).withMasterUrl(inCluster.apiServer())
                        .withCaCertFile(inCluster.caFile().toString()).build();
                InCluster.Token token = new InCluster.Token(inCluster.tokenFile());
                auth = requestHeaders(() -> "Bearer " + token.get(), List::of);
                transport = new Transport(null);
            }
            clientConfig.setConnectionTimeout(10_000);
            clientConfig.setRequestTimeout(60_000);
            // Re-list and re-watch forever, backing off from the retry interval (fabric8 doubles it up to 32 times).
            clientConfig.setWatchReconnectInterval((int) retryInterval.toMillis());
            clientConfig.setWatchReconnectLimit(-1);
            // The informer retries itself; fabric8's own per-request retries (about 19 s) would delay
            // every report of a failure (a TLS handshake refused, a refused connection) by that much.
            clientConfig.setRequestRetryBackoffLimit(0);
            KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(clientConfig).withHttpClientFactory(transport)
                    .withTaskExecutor(tasks);
            if (auth != null) {
                Interceptor interceptor = auth;
                builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("promethium-authorization", interceptor));
            }
            client = builder.build();
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
                shared = new Shared<>(kind, namespace, informerKey, (SharedIndexInformer<T>) informer(kind, namespace, selector), metrics);
                informers.put(informerKey, shared);
                shared.informer.start();
            }
            shared.refs++;
            return shared;
        }

        synchronized void unwatch(Shared<?> shared) {
            if (--shared.refs == 0) {
                informers.remove(shared.key);
                shared.closed = true;
                shared.informer.stop();
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

        private void close() {
            for (Shared<?> shared : new ArrayList<>(informers.values())) {
                shared.closed = true;
                shared.informer.stop();
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

    /** One informer, its users and the last failure it reported. */
    static final class Shared<T extends HasMetadata> {
        final Kind kind;
        final String namespace;
        final SharedIndexInformer<T> informer;
        private final List<Object> key;
        private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
        private int refs;
        private volatile boolean closed;
        private volatile String lastError;

        Shared(Kind kind, String namespace, List<Object> key, SharedIndexInformer<T> informer, KubernetesSdMetrics metrics) {
            this.kind = kind;
            this.namespace = namespace;
            this.key = key;
            this.informer = informer;
            informer.exceptionHandler((started, error) -> {
                if (closed) {
                    return false;
                }
                metrics.failures.inc();
                String message = describe(error);
                if (!sameFailure(message, lastError)) {
                    lastError = message;
                    for (Subscriber subscriber : subscribers) {
                        subscriber.failed(kind, namespace, message);
                    }
                }
                return true;
            });
            informer.addEventHandler(new ResourceEventHandler<T>() {
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
        }

        private void fanOut(T obj, String event) {
            lastError = null;
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
            return a.equals(b) || (a.startsWith("HTTP ") && status(a).equals(status(b)));
        }

        /** "HTTP 401" of "HTTP 401: Unauthorized". */
        private static String status(String description) {
            int colon = description.indexOf(':');
            return colon < 0 ? description : description.substring(0, colon);
        }

        /** A short, stable description: the HTTP status and the API's message, else the root cause. */
        static String describe(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
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
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }
}
