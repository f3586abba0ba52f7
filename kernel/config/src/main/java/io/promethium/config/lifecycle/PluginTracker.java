package io.promethium.config.lifecycle;

import io.promethium.api.plugin.MetricsRegistrar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plugin services of one kind, by type, and the config parts built from them: the one
 * lifecycle rule of the server. A consumer binds and unbinds services here ({@link #add},
 * {@link #remove}, from its DS bind methods or an embedder) and asks for a {@link PluginUse} per
 * config part ({@link #use}). Then:
 * <ul>
 *   <li>a part whose type has a service is built from it at once; one without waits (and is
 *       counted in {@code promethium_config_waiting_plugin{key="<type><suffix>"}});</li>
 *   <li>when a service goes, everything built from it is closed ({@link Closing#GONE}: nothing of
 *       its code runs for the part afterwards) and the part waits; if another service of the same
 *       type is still there, the part is rebuilt from it instead ({@link Closing#REPLACED});</li>
 *   <li>when a service arrives (a first install, a replacement after an update, or a newer
 *       version beside the old one), every part of its type is rebuilt from it at once, without a
 *       config reload; the newest service of a type wins;</li>
 *   <li>a part whose service went and got no replacement within the grace period is told so
 *       ({@link PluginBuilder#expired()}), so a consumer can hold results over an update (the
 *       discovery manager keeps the targets of a discovery plugin being updated) and still drop
 *       them when the plugin is really gone.</li>
 * </ul>
 * Builders are called with the tracker's lock held, one at a time, each call on a thread of its
 * own with a time limit: a plugin that throws or hangs building or closing a part fails that part
 * only (the reason kept, {@link #failures()}, and counted in
 * {@code promethium_plugin_failures_total{plugin,kind}}). Thread-safe.
 *
 * @param <S> the plugin service type
 */
public final class PluginTracker<S> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PluginTracker.class.getName());

    /** The waiting-parts metric, shared by every tracker of the server (keys differ per kind). */
    public static final String WAITING_METRIC = "promethium_config_waiting_plugin";

    /** Failed plugin calls (a throw, or no answer within the time limit), shared by every tracker. */
    public static final String FAILURES_METRIC = "promethium_plugin_failures_total";

    /**
     * How long a consumer holds what a plugin that went gave (the discovery manager's targets,
     * {@code /metrics}' last collected series) for a replacement: the launcher stops the old
     * version of an updated plugin before it starts the new one, which takes seconds for some.
     */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(15);

    /** How long a plugin may take to build or close one part before it is given up on. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String kind;
    private final String keySuffix;
    private final Function<S, String> typeOf;
    private final Duration grace;
    private final MetricsRegistrar.Gauge waitingGauge;
    private final MetricsRegistrar.Counter failuresCounter;
    private final Duration callTimeout;
    private final PluginStatesRegistry states;
    /** The last failure per type, for the console. */
    private final Map<String, PluginFailure> failures = new TreeMap<>();
    /** Services by type, the newest last: it is the one parts are built from. */
    private final Map<String, List<S>> services = new HashMap<>();
    private final Map<String, List<PluginUse<S, ?>>> uses = new LinkedHashMap<>();
    /** When the last service of a type went (System.nanoTime), while no other arrived. */
    private final Map<String, Long> goneAt = new HashMap<>();
    private final Set<String> published = new HashSet<>();
    /**
     * The newest service per type, republished on every change: read without the lock, so a
     * plugin call running on its own thread while the lock is held may ask who serves a type.
     */
    private volatile Map<String, S> newest = Map.of();
    private ScheduledExecutorService timer;
    private boolean closed;

    /**
     * @param kind what the services are, for logs ({@code discovery}, {@code notifier})
     * @param keySuffix how a type becomes its config key in the metric ({@code _sd_configs}, {@code _configs})
     * @param typeOf a service's type ({@code DiscovererFactory::type})
     * @param grace how long a part whose service went may hold its results for a replacement
     * @param registrar where {@code promethium_config_waiting_plugin} goes; null: nowhere
     */
    public PluginTracker(String kind, String keySuffix, Function<S, String> typeOf, Duration grace, MetricsRegistrar registrar) {
        this(kind, keySuffix, typeOf, grace, registrar, DEFAULT_CALL_TIMEOUT);
    }

    /**
     * @param callTimeout how long one build or close of a part may take: a plugin that hangs
     *                    longer is given up on (its thread interrupted, the part failed with the
     *                    reason, counted in {@code promethium_plugin_failures_total}); the rest of
     *                    the server goes on
     */
    public PluginTracker(String kind, String keySuffix, Function<S, String> typeOf, Duration grace, MetricsRegistrar registrar,
                         Duration callTimeout) {
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout is null");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
        }
        this.failuresCounter = registrar == null ? null : registrar.counter(FAILURES_METRIC,
                "Plugin calls (building or closing a config part) that threw or did not return within the time limit.", "plugin", "kind");
        this.states = PluginStatesRegistry.of(registrar);
        this.kind = Objects.requireNonNull(kind, "kind is null");
        this.keySuffix = Objects.requireNonNull(keySuffix, "keySuffix is null");
        this.typeOf = Objects.requireNonNull(typeOf, "typeOf is null");
        this.grace = Objects.requireNonNull(grace, "grace is null");
        this.waitingGauge = registrar == null ? null : registrar.gauge(WAITING_METRIC,
                "Config parts (scrape pool discovery blocks, receiver integrations) waiting for the plugin that owns their key.", "key");
        if (states != null) {
            states.add(this);
        }
    }

    /** The grace period given to a replacement. */
    public Duration grace() {
        return grace;
    }

    /** A service arrived: every part of its type is (re)built from it at once. */
    public synchronized void add(S service) {
        Objects.requireNonNull(service, "service is null");
        String type = typeOf.apply(service);
        List<S> list = services.computeIfAbsent(type, t -> new ArrayList<>());
        list.remove(service);
        list.add(service);
        republish();
        goneAt.remove(type);
        for (PluginUse<S, ?> use : usesOf(type)) {
            if (use.source() == service && use.get() != null) {
                continue;
            }
            closeBuilt(use, Closing.REPLACED);
            build(use, service);
        }
        notifyAll();
        publishWaiting();
    }

    /**
     * A service went: what was built from it is closed; its parts are rebuilt from another
     * service of the type if one is left, else they wait.
     */
    public synchronized void remove(S service) {
        String type = typeOf.apply(service);
        List<S> list = services.get(type);
        if (list == null || !list.remove(service)) {
            return;
        }
        S replacement = list.isEmpty() ? null : list.get(list.size() - 1);
        if (list.isEmpty()) {
            services.remove(type);
        }
        republish();
        long now = System.nanoTime();
        boolean anyGone = false;
        for (PluginUse<S, ?> use : usesOf(type)) {
            if (use.source() != service) {
                continue;
            }
            if (replacement != null) {
                closeBuilt(use, Closing.REPLACED);
                build(use, replacement);
            } else {
                closeBuilt(use, Closing.GONE);
                use.set(null, null, "");
                use.goneAtNanos = now;
                anyGone = true;
                LOG.info(kind + " plugin " + type + " went away: " + use.user() + " waits for it");
            }
        }
        if (replacement == null) {
            goneAt.put(type, now);
            if (anyGone && !closed) {
                scheduleExpiry(type);
            }
        }
        notifyAll();
        publishWaiting();
    }

    /**
     * When the last service of {@code type} went ({@link System#nanoTime}), if that was less than
     * the grace period ago and none came since: what a user of a type that is not kept as parts
     * (the web bundle's HTTP paths) needs to tell "being updated" from "gone". Null otherwise.
     */
    public synchronized Long wentAt(String type) {
        if (current(type) != null) {
            return null;
        }
        Long at = goneAt.get(type);
        return at == null || System.nanoTime() - at >= grace.toNanos() ? null : at;
    }

    /** The service parts of {@code type} are built from (the newest), or null. */
    public S current(String type) {
        return newest.get(type);
    }

    private void republish() {
        Map<String, S> map = new HashMap<>();
        services.forEach((type, list) -> {
            if (!list.isEmpty()) {
                map.put(type, list.get(list.size() - 1));
            }
        });
        newest = Map.copyOf(map);
    }

    /** The types with a service now. */
    public Set<String> types() {
        return newest.keySet();
    }

    /**
     * A config part of {@code type}, built at once when a service of the type is there, else
     * waiting for one. The caller closes it when the part is no longer in the config.
     */
    public synchronized <T> PluginUse<S, T> use(String type, String user, PluginBuilder<S, T> builder) {
        PluginUse<S, T> use = new PluginUse<>(this, type, user, builder);
        if (closed) {
            use.markReleased();
            return use;
        }
        uses.computeIfAbsent(type, t -> new ArrayList<>()).add(use);
        S service = current(type);
        if (service != null) {
            build(use, service);
        } else {
            LOG.info(use.user() + " waits for " + kind + " plugin " + type + " (" + type + keySuffix + ")");
        }
        publishWaiting();
        return use;
    }

    /** Config keys ({@code cmdb_sd_configs}) with the number of parts waiting for their plugin, sorted. */
    public synchronized Map<String, Integer> waiting() {
        Map<String, Integer> result = new TreeMap<>();
        for (Map.Entry<String, List<PluginUse<S, ?>>> entry : uses.entrySet()) {
            if (!entry.getValue().isEmpty() && current(entry.getKey()) == null) {
                result.put(entry.getKey() + keySuffix, entry.getValue().size());
            }
        }
        return result;
    }

    /**
     * The service of {@code type}; when there is none but one went less than the grace period
     * ago (a plugin being updated), waits up to {@code max} (and the rest of the grace period)
     * for its replacement. Null when none is there.
     */
    public synchronized S awaitService(String type, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            S service = current(type);
            if (service != null || closed) {
                return service;
            }
            Long gone = goneAt.get(type);
            if (gone == null) {
                return null;
            }
            long left = Math.min(deadline, gone + grace.toNanos()) - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized <T> T awaitBuilt(PluginUse<S, T> use, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (use.get() == null && !use.released() && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return use.get();
    }

    synchronized void release(PluginUse<S, ?> use) {
        if (use.released()) {
            return;
        }
        List<PluginUse<S, ?>> list = uses.get(use.type());
        if (list != null) {
            list.remove(use);
            if (list.isEmpty()) {
                uses.remove(use.type());
            }
        }
        closeBuilt(use, Closing.RELEASED);
        use.set(null, null, "");
        use.markReleased();
        notifyAll();
        publishWaiting();
    }

    /** Releases every part (their built values closed) and stops the grace timer. */
    @Override
    public synchronized void close() {
        closed = true;
        if (states != null) {
            states.remove(this);
        }
        for (List<PluginUse<S, ?>> list : new ArrayList<>(uses.values())) {
            for (PluginUse<S, ?> use : new ArrayList<>(list)) {
                release(use);
            }
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (waitingGauge != null) {
            for (String key : published) {
                waitingGauge.remove(key);
            }
        }
        published.clear();
        notifyAll();
    }

    private List<PluginUse<S, ?>> usesOf(String type) {
        List<PluginUse<S, ?>> list = uses.get(type);
        return list == null ? List.of() : new ArrayList<>(list);
    }

    private <T> void build(PluginUse<S, T> use, S service) {
        String type = typeOf.apply(service);
        try {
            T built = call("building " + use.user(), () -> use.builder().build(service),
                    late -> closeLate(use, late));
            use.set(service, built, null);
            use.goneAtNanos = -1;
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            use.set(service, null, message);
            failed(type, "building " + use.user() + ": " + message);
            LOG.log(Level.WARNING, kind + " plugin " + type + " failed building for " + use.user() + ": " + message);
            // The new service yields nothing for this part: what was held for it goes now.
            use.goneAtNanos = -1;
            try {
                use.builder().expired();
            } catch (RuntimeException expiring) {
                LOG.log(Level.WARNING, "expiring " + kind + " plugin part of " + use.user() + " failed", expiring);
            }
        }
    }

    private <T> void closeBuilt(PluginUse<S, T> use, Closing why) {
        T built = use.get();
        if (built == null) {
            return;
        }
        use.set(use.source(), null, use.error());
        S source = use.source();
        try {
            call("closing " + use.user(), () -> {
                use.builder().close(built, why);
                return null;
            }, ignored -> { });
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            if (source != null) {
                failed(typeOf.apply(source), "closing " + use.user() + ": " + message);
            }
            LOG.log(Level.WARNING, "closing " + kind + " plugin part of " + use.user() + " failed: " + message, e);
        }
    }

    /** A value built after its caller gave up on it: closed at once, nothing of it runs. */
    private <T> void closeLate(PluginUse<S, T> use, T late) {
        if (late == null) {
            return;
        }
        try {
            use.builder().close(late, Closing.RELEASED);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing a late " + kind + " plugin part of " + use.user() + " failed", e);
        }
    }

    /**
     * Runs one plugin call with the time limit: on a thread of its own, so a hanging plugin holds
     * that thread only (interrupted when the limit passes); a value it yields after that goes to
     * {@code late}.
     */
    private <T> T call(String what, java.util.concurrent.Callable<T> body, java.util.function.Consumer<T> late) throws Exception {
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        Thread thread = Thread.ofVirtual().name("plugin-" + kind + "-call").start(() -> {
            try {
                T value = body.call();
                if (!result.complete(value) && abandoned.get()) {
                    late.accept(value);
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            abandoned.set(true);
            result.cancel(false);
            thread.interrupt();
            throw new java.util.concurrent.TimeoutException(kind + " plugin did not finish " + what + " within " + callTimeout.toMillis() + "ms");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error error && !(error instanceof LinkageError) && !(error instanceof StackOverflowError)) {
                throw error;
            }
            // A plugin's linkage error (a class missing since its bundle went) is its failure, not the server's.
            throw new IllegalStateException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private void failed(String type, String message) {
        PluginFailure previous = failures.get(type);
        failures.put(type, new PluginFailure(type, type + keySuffix, kind, message, java.time.Instant.now(), previous == null ? 1 : previous.count() + 1));
        if (failuresCounter != null) {
            failuresCounter.inc(type, kind);
        }
    }

    /** The last failure of each type's plugin (a throw or a time-out building or closing a part), by type. */
    public synchronized Map<String, PluginFailure> failures() {
        return Map.copyOf(failures);
    }

    /**
     * Records a failure of a plugin call made outside the tracker (a notifier's send, a
     * discoverer's refresh), counted and kept as the type's last error alike.
     */
    public synchronized void recordFailure(String type, String message) {
        failed(Objects.requireNonNull(type, "type is null"), Objects.requireNonNull(message, "message is null"));
    }

    /** What this tracker's services are ({@code discovery}, {@code notifier}, ...). */
    public String kind() {
        return kind;
    }

    private void scheduleExpiry(String type) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("plugin-tracker-" + kind).factory());
        }
        timer.schedule(() -> expire(type), grace.toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void expire(String type) {
        long now = System.nanoTime();
        for (PluginUse<S, ?> use : usesOf(type)) {
            if (use.goneAtNanos >= 0 && use.get() == null && now - use.goneAtNanos >= grace.toNanos() - 1_000_000) {
                use.goneAtNanos = -1;
                try {
                    use.builder().expired();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "expiring " + kind + " plugin part of " + use.user() + " failed", e);
                }
            }
        }
    }

    private void publishWaiting() {
        if (waitingGauge == null) {
            return;
        }
        Map<String, Integer> now = waiting();
        for (String key : published) {
            if (!now.containsKey(key)) {
                waitingGauge.remove(key);
            }
        }
        published.clear();
        for (Map.Entry<String, Integer> entry : now.entrySet()) {
            waitingGauge.set(entry.getValue(), entry.getKey());
            published.add(entry.getKey());
        }
    }
}
