package io.promethium.discovery.kubernetes.internal;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.plugin.PluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code kubernetes_sd_configs} block: subscribes to the shared informers its role needs,
 * sends every group once the informers have synced, then, for each change, rebuilds only the
 * groups the changed object affects and sends those that differ from what was last sent. A
 * failing API keeps the last groups; the informers retry with backoff.
 */
final class KubernetesDiscoverer implements Discoverer, Connections.Subscriber {

    /** The change an informer reported: which object, by kind, namespace and name. */
    private record Dirty(Kind kind, String namespace, String name) {
    }

    private final KubernetesSdConfig config;
    private final PluginConfig block;
    private final PluginContext context;
    private final Connections connections;
    private final KubernetesSdMetrics metrics;
    private final Logger log;
    private final Duration initialWait;
    private final Kind main;

    private final Object lock = new Object();
    /** Held while an update is delivered, so close() can wait for one in flight. */
    private final Object sendLock = new Object();
    private final Set<Dirty> pending = new LinkedHashSet<>();
    private final Map<String, String> lastErrors = new HashMap<>();
    private final Map<String, TargetGroup> sent = new HashMap<>();
    private final Map<Kind, List<Connections.Shared<? extends HasMetadata>>> watched = new EnumMap<>(Kind.class);
    private Consumer<List<TargetGroup>> updates;
    private Thread thread;
    private volatile boolean closed;
    private Connections.Connection connection;

    KubernetesDiscoverer(KubernetesSdConfig config, PluginConfig block, PluginContext context, Connections connections,
                         KubernetesSdMetrics metrics, Duration initialWait) {
        this.config = config;
        this.block = block;
        this.context = context;
        this.connections = connections;
        this.metrics = metrics;
        this.log = context.logger();
        this.initialWait = initialWait;
        this.main = Kind.of(config.role());
    }

    @Override
    public void start(Consumer<List<TargetGroup>> updates) {
        synchronized (lock) {
            this.updates = updates;
            thread = context.threads().newThread(this::run);
            thread.start();
        }
    }

    private void run() {
        try {
            List<String> namespaces = namespaces();
            synchronized (lock) {
                if (closed) {
                    return;
                }
                connection = connections.acquire(config, block, context);
                for (Kind kind : kinds()) {
                    List<String> scopes = kind.namespaced ? namespaces : Collections.singletonList(null);
                    List<Connections.Shared<? extends HasMetadata>> parts = new ArrayList<>();
                    for (String ns : scopes) {
                        Role selectorRole = kind.selectorRole();
                        KubernetesSdConfig.Selector selector = selectorRole == null ? KubernetesSdConfig.Selector.NONE : config.selector(selectorRole);
                        Connections.Shared<? extends HasMetadata> shared = connection.watch(kind, ns, selector, metrics);
                        shared.subscribe(this);
                        parts.add(shared);
                    }
                    watched.put(kind, parts);
                }
            }
        } catch (Exception e) {
            log.log(Level.SEVERE, "cannot start Kubernetes discovery (role " + config.role() + "): " + e.getMessage(), e);
            metrics.failures.inc();
            send(List.of());
            awaitClose();
            return;
        }
        try {
            awaitSync();
            List<TargetGroup> initial = new ArrayList<>();
            synchronized (lock) {
                pending.clear();
            }
            for (HasMetadata object : all(main)) {
                TargetGroup group = build(object);
                sent.put(group.source(), group);
                initial.add(group);
            }
            send(initial);
            while (true) {
                List<Dirty> batch;
                synchronized (lock) {
                    while (pending.isEmpty() && !closed) {
                        lock.wait();
                    }
                    if (closed) {
                        return;
                    }
                    batch = new ArrayList<>(pending);
                    pending.clear();
                }
                List<TargetGroup> changed = rebuild(batch);
                if (!changed.isEmpty()) {
                    send(changed);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.log(Level.SEVERE, "Kubernetes discovery (role " + config.role() + ") stopped: " + e, e);
        }
    }

    private void awaitClose() {
        synchronized (lock) {
            while (!closed) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Waits until every informer has listed once, or the initial wait passes (an API that refuses must not hold the job). */
    private void awaitSync() throws InterruptedException {
        long deadline = System.nanoTime() + initialWait.toNanos();
        while (System.nanoTime() < deadline) {
            boolean synced = true;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                for (List<Connections.Shared<? extends HasMetadata>> parts : watched.values()) {
                    for (Connections.Shared<? extends HasMetadata> shared : parts) {
                        synced &= shared.hasSynced();
                    }
                }
            }
            if (synced) {
                return;
            }
            Thread.sleep(20);
        }
        log.warning("Kubernetes discovery (role " + config.role() + "): the API has not answered the initial list within "
                + initialWait.toSeconds() + " s; sending what is known and following changes as they come");
    }

    private List<String> namespaces() throws Exception {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(config.namespaces()));
        if (config.ownNamespace()) {
            String own = connections.inCluster().ownNamespace();
            if (!names.contains(own)) {
                names.add(own);
            }
        }
        if (names.isEmpty()) {
            return Collections.singletonList(null);
        }
        return names;
    }

    /** The kinds this role reads: its own, and those whose labels it attaches. */
    private List<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(main);
        if (main == Kind.ENDPOINTS || main == Kind.ENDPOINTSLICE) {
            kinds.add(Kind.SERVICE);
            kinds.add(Kind.POD);
        }
        if (config.attachNode()) {
            kinds.add(Kind.NODE);
        }
        if (config.attachNamespace()) {
            kinds.add(Kind.NAMESPACE);
        }
        return kinds;
    }

    // ---- informer callbacks (informer threads): only queue the work

    @Override
    public void changed(Kind kind, HasMetadata object, String event) {
        metrics.events.inc(kind.role, event);
        Dirty dirty = new Dirty(kind, object.getMetadata().getNamespace(), object.getMetadata().getName());
        synchronized (lock) {
            if (closed) {
                return;
            }
            pending.remove(dirty);
            pending.add(dirty);
            lock.notifyAll();
        }
    }

    @Override
    public void failed(Kind kind, String namespace, String error) {
        String scope = scope(kind, namespace);
        synchronized (lock) {
            if (closed || Connections.Shared.sameFailure(error, lastErrors.get(scope))) {
                return;
            }
            lastErrors.put(scope, error);
        }
        log.warning("Kubernetes discovery (role " + config.role() + "): listing or watching " + scope
                + " failed, keeping the last targets and retrying with backoff: " + error);
    }

    @Override
    public void recovered(Kind kind, String namespace) {
        String scope = scope(kind, namespace);
        synchronized (lock) {
            if (closed || lastErrors.remove(scope) == null) {
                return;
            }
        }
        log.info("Kubernetes discovery (role " + config.role() + "): listing and watching " + scope + " work again");
    }

    /** What an informer lists and watches, as its warnings name it: a role, in a namespace or in all. */
    private static String scope(Kind kind, String namespace) {
        return kind.role + (namespace == null ? "" : " in namespace " + namespace);
    }

    // ---- building groups (discoverer thread)

    private List<TargetGroup> rebuild(List<Dirty> batch) {
        Map<String, HasMetadata> affected = new LinkedHashMap<>();
        Set<String> vanished = new LinkedHashSet<>();
        synchronized (lock) {
            // Objects of a scope arrive again: its next failure is news worth logging. Only its own:
            // another namespace's objects say nothing of a failure still going on here.
            for (Dirty dirty : batch) {
                lastErrors.remove(scope(dirty.kind(), dirty.namespace()));
                lastErrors.remove(scope(dirty.kind(), null));
            }
        }
        for (Dirty dirty : batch) {
            if (dirty.kind() == main) {
                HasMetadata current = get(main, dirty.namespace(), dirty.name());
                if (current == null) {
                    vanished.add(source(main, dirty.namespace(), dirty.name()));
                } else {
                    affected.put(source(main, dirty.namespace(), dirty.name()), current);
                }
                continue;
            }
            for (HasMetadata object : dependents(dirty)) {
                affected.put(source(main, object.getMetadata().getNamespace(), object.getMetadata().getName()), object);
            }
        }
        List<TargetGroup> changed = new ArrayList<>();
        for (String source : vanished) {
            if (affected.containsKey(source)) {
                continue;
            }
            TargetGroup before = sent.remove(source);
            if (before != null) {
                changed.add(new TargetGroup(source, List.of(), null));
            }
        }
        for (HasMetadata object : affected.values()) {
            TargetGroup group = build(object);
            TargetGroup before = sent.put(group.source(), group);
            if (!group.equals(before)) {
                changed.add(group);
            }
        }
        return changed;
    }

    /** The objects of the main kind whose groups carry labels of a changed related object. */
    private List<HasMetadata> dependents(Dirty dirty) {
        List<HasMetadata> result = new ArrayList<>();
        switch (dirty.kind()) {
            case NAMESPACE -> result.addAll(in(main, dirty.name()));
            case NODE -> {
                for (HasMetadata object : all(main)) {
                    if (onNode(object, dirty.name())) {
                        result.add(object);
                    }
                }
            }
            case SERVICE -> {
                if (main == Kind.ENDPOINTS) {
                    HasMetadata endpoints = get(main, dirty.namespace(), dirty.name());
                    if (endpoints != null) {
                        result.add(endpoints);
                    }
                } else if (main == Kind.ENDPOINTSLICE) {
                    for (HasMetadata slice : in(main, dirty.namespace())) {
                        Map<String, String> labels = slice.getMetadata().getLabels();
                        if (labels != null && dirty.name().equals(labels.get(EndpointSliceTargets.SERVICE_NAME_LABEL))) {
                            result.add(slice);
                        }
                    }
                }
            }
            case POD -> {
                for (HasMetadata object : in(main, dirty.namespace())) {
                    if (refersToPod(object, dirty.namespace(), dirty.name())) {
                        result.add(object);
                    }
                }
            }
            default -> {
            }
        }
        return result;
    }

    private static boolean onNode(HasMetadata object, String node) {
        if (object instanceof Pod pod) {
            return pod.getSpec() != null && node.equals(pod.getSpec().getNodeName());
        }
        if (object instanceof Endpoints endpoints) {
            for (EndpointSubset subset : MetaLabels.list(endpoints.getSubsets())) {
                for (List<EndpointAddress> addresses : List.of(MetaLabels.list(subset.getAddresses()), MetaLabels.list(subset.getNotReadyAddresses()))) {
                    for (EndpointAddress address : addresses) {
                        if (node.equals(address.getNodeName()) || isRef(address.getTargetRef(), "Node", node)) {
                            return true;
                        }
                    }
                }
            }
        }
        if (object instanceof EndpointSlice slice) {
            for (Endpoint endpoint : MetaLabels.list(slice.getEndpoints())) {
                if (node.equals(endpoint.getNodeName()) || isRef(endpoint.getTargetRef(), "Node", node)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean refersToPod(HasMetadata object, String namespace, String pod) {
        if (object instanceof Endpoints endpoints) {
            for (EndpointSubset subset : MetaLabels.list(endpoints.getSubsets())) {
                for (List<EndpointAddress> addresses : List.of(MetaLabels.list(subset.getAddresses()), MetaLabels.list(subset.getNotReadyAddresses()))) {
                    for (EndpointAddress address : addresses) {
                        if (isRef(address.getTargetRef(), "Pod", pod)) {
                            return true;
                        }
                    }
                }
            }
        }
        if (object instanceof EndpointSlice slice) {
            for (Endpoint endpoint : MetaLabels.list(slice.getEndpoints())) {
                if (isRef(endpoint.getTargetRef(), "Pod", pod)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isRef(ObjectReference ref, String kind, String name) {
        return ref != null && kind.equals(ref.getKind()) && name.equals(ref.getName());
    }

    private static String source(Kind kind, String namespace, String name) {
        return switch (kind) {
            case POD -> PodTargets.source(namespace, name);
            case SERVICE -> ServiceTargets.source(namespace, name);
            case ENDPOINTS -> EndpointsTargets.source(namespace, name);
            case ENDPOINTSLICE -> EndpointSliceTargets.source(namespace, name);
            case INGRESS -> IngressTargets.source(namespace, name);
            case NODE -> NodeTargets.source(name);
            case NAMESPACE -> throw new IllegalArgumentException("namespaces are not a role");
        };
    }

    private TargetGroup build(HasMetadata object) {
        return switch (main) {
            case POD -> {
                Pod pod = (Pod) object;
                Map<String, String> extra = new HashMap<>(lookup.namespaceLabels(pod.getMetadata().getNamespace()));
                if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
                    extra.putAll(lookup.nodeLabels(pod.getSpec().getNodeName()));
                }
                yield PodTargets.build(pod, extra);
            }
            case SERVICE -> ServiceTargets.build((Service) object, lookup.namespaceLabels(object.getMetadata().getNamespace()));
            case ENDPOINTS -> EndpointsTargets.build((Endpoints) object, lookup);
            case ENDPOINTSLICE -> EndpointSliceTargets.build((EndpointSlice) object, lookup);
            case INGRESS -> IngressTargets.build((Ingress) object, lookup.namespaceLabels(object.getMetadata().getNamespace()));
            case NODE -> {
                TargetGroup group = NodeTargets.build((Node) object);
                if (group.targets().isEmpty()) {
                    log.warning("Kubernetes discovery: no address found for node " + object.getMetadata().getName());
                }
                yield group;
            }
            case NAMESPACE -> throw new IllegalStateException("namespaces are not a role");
        };
    }

    private final Lookup lookup = new Lookup() {
        @Override
        public Pod pod(String namespace, String name) {
            return (Pod) get(Kind.POD, namespace, name);
        }

        @Override
        public Service service(String namespace, String name) {
            return (Service) get(Kind.SERVICE, namespace, name);
        }

        @Override
        public Map<String, String> nodeLabels(String nodeName) {
            if (!config.attachNode() || nodeName == null) {
                return Map.of();
            }
            Node node = (Node) get(Kind.NODE, null, nodeName);
            return node == null ? Map.of() : Lookup.nodeMetadata(node);
        }

        @Override
        public Map<String, String> namespaceLabels(String namespace) {
            if (!config.attachNamespace() || namespace == null) {
                return Map.of();
            }
            Namespace ns = (Namespace) get(Kind.NAMESPACE, null, namespace);
            return ns == null ? Map.of() : Lookup.namespaceMetadata(ns);
        }
    };

    // ---- the informers' stores

    private List<Connections.Shared<? extends HasMetadata>> parts(Kind kind) {
        synchronized (lock) {
            return watched.getOrDefault(kind, List.of());
        }
    }

    private HasMetadata get(Kind kind, String namespace, String name) {
        String key = kind.namespaced ? Cache.namespaceKeyFunc(namespace, name) : name;
        for (Connections.Shared<? extends HasMetadata> part : parts(kind)) {
            if (part.namespace == null || part.namespace.equals(namespace)) {
                HasMetadata object = part.informer().getIndexer().getByKey(key);
                if (object != null) {
                    return object;
                }
            }
        }
        return null;
    }

    private List<HasMetadata> all(Kind kind) {
        List<HasMetadata> result = new ArrayList<>();
        for (Connections.Shared<? extends HasMetadata> part : parts(kind)) {
            result.addAll(part.informer().getStore().list());
        }
        return result;
    }

    private List<HasMetadata> in(Kind kind, String namespace) {
        if (!kind.namespaced) {
            return all(kind);
        }
        List<HasMetadata> result = new ArrayList<>();
        for (Connections.Shared<? extends HasMetadata> part : parts(kind)) {
            if (part.namespace == null) {
                result.addAll(part.informer().getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
            } else if (part.namespace.equals(namespace)) {
                result.addAll(part.informer().getStore().list());
            }
        }
        return result;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether every informer this discoverer reads has listed and is watching (tests: the mock API does not replay missed events). */
    boolean watching() {
        synchronized (lock) {
            if (watched.isEmpty()) {
                return false;
            }
            for (List<Connections.Shared<? extends HasMetadata>> parts : watched.values()) {
                for (Connections.Shared<? extends HasMetadata> shared : parts) {
                    if (!shared.hasSynced() || !shared.isWatching()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private void send(List<TargetGroup> groups) {
        synchronized (sendLock) {
            if (!closed) {
                updates.accept(groups);
            }
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
            running = thread;
            for (List<Connections.Shared<? extends HasMetadata>> parts : watched.values()) {
                for (Connections.Shared<? extends HasMetadata> shared : parts) {
                    shared.unsubscribe(this);
                    connection.unwatch(shared);
                }
            }
            watched.clear();
            if (connection != null) {
                connections.release(connection);
                connection = null;
            }
        }
        synchronized (sendLock) {
            // An update being delivered finishes before close() returns; none starts after.
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
