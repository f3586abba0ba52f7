package io.promethium.alertmanager.dispatch;

import io.promethium.alertmanager.config.AlertmanagerConfig;
import io.promethium.alertmanager.config.RouteConfig;
import io.promethium.alertmanager.config.TimeIntervals;
import io.promethium.alertmanager.eventrecorder.EventRecorder;
import io.promethium.alertmanager.eventrecorder.Events;
import io.promethium.alertmanager.store.NotificationLog;
import io.promethium.alertmanager.store.SilenceStore;
import io.promethium.alertmanager.store.StoredAlert;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotificationState;
import io.promethium.api.notify.NotifyException;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import io.promethium.templates.notification.NotificationTemplates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Alertmanager's notification pipeline for one flush of a group: drop inhibited alerts, respect
 * the route's active and mute time intervals, drop silenced alerts, then for every integration
 * of the receiver at once: deduplicate against the notification log, send (only firing alerts
 * unless {@code send_resolved}), retry with exponential backoff until the group's next flush,
 * and log what was notified.
 */
public final class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class.getName());
    /** Alertmanager gives a flush at least this long, even with a shorter group_interval. */
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(10);
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final AlertmanagerConfig config;
    private final Map<String, List<Integration>> integrations;
    private final Inhibitor inhibitor;
    private final SilenceStore silences;
    private final NotificationLog log;
    private final DispatchMetrics metrics;
    private final String externalUrl;
    private final Clock clock;
    private final NotificationTemplates templates;
    private final EventRecorder events;
    private final Tracer tracer;

    public Notifications(AlertmanagerConfig config, Map<String, List<Integration>> integrations, Inhibitor inhibitor,
                         SilenceStore silences, NotificationLog log, DispatchMetrics metrics, String externalUrl, Clock clock) {
        this(config, integrations, inhibitor, silences, log, metrics, externalUrl, clock, NotificationTemplates.defaults());
    }

    /** @param templates the config's templates, which route labels are rendered with */
    public Notifications(AlertmanagerConfig config, Map<String, List<Integration>> integrations, Inhibitor inhibitor,
                         SilenceStore silences, NotificationLog log, DispatchMetrics metrics, String externalUrl, Clock clock,
                         NotificationTemplates templates) {
        this(config, integrations, inhibitor, silences, log, metrics, externalUrl, clock, templates, null, Tracer.NONE);
    }

    /** @param events where the pipeline's events go (Alertmanager 0.34's event recorder), or null for none */
    public Notifications(AlertmanagerConfig config, Map<String, List<Integration>> integrations, Inhibitor inhibitor,
                         SilenceStore silences, NotificationLog log, DispatchMetrics metrics, String externalUrl, Clock clock,
                         NotificationTemplates templates, EventRecorder events) {
        this(config, integrations, inhibitor, silences, log, metrics, externalUrl, clock, templates, events, Tracer.NONE);
    }

    /** @param tracer spans of each flush, each integration's delivery and each attempt, named as Alertmanager's */
    public Notifications(AlertmanagerConfig config, Map<String, List<Integration>> integrations, Inhibitor inhibitor,
                         SilenceStore silences, NotificationLog log, DispatchMetrics metrics, String externalUrl, Clock clock,
                         NotificationTemplates templates, Tracer tracer) {
        this(config, integrations, inhibitor, silences, log, metrics, externalUrl, clock, templates, null, tracer);
    }

    /**
     * @param events where the pipeline's events go (Alertmanager 0.34's event recorder), or null for none
     * @param tracer spans of each flush, each integration's delivery and each attempt, named as Alertmanager's
     */
    public Notifications(AlertmanagerConfig config, Map<String, List<Integration>> integrations, Inhibitor inhibitor,
                         SilenceStore silences, NotificationLog log, DispatchMetrics metrics, String externalUrl, Clock clock,
                         NotificationTemplates templates, EventRecorder events, Tracer tracer) {
        this.events = events;
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
        this.templates = Objects.requireNonNull(templates, "templates is null");
        this.config = Objects.requireNonNull(config, "config is null");
        this.integrations = Map.copyOf(integrations);
        this.inhibitor = Objects.requireNonNull(inhibitor, "inhibitor is null");
        this.silences = Objects.requireNonNull(silences, "silences is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.externalUrl = externalUrl == null ? "" : externalUrl;
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** Runs the pipeline; true when every integration succeeded (or had nothing to do). */
    boolean flush(AggregationGroup group, List<StoredAlert> snapshot) {
        Instant now = clock.instant();
        RouteConfig route = group.route().config();
        List<StoredAlert> alerts = new ArrayList<>();
        // The hashes of the alerts muted in this flush, for the notification events.
        Set<Long> muted = new java.util.LinkedHashSet<>();
        for (StoredAlert a : snapshot) {
            List<Inhibitor.Inhibition> inhibitions = inhibitor.inhibitions(a.alert().labels(), a.fingerprint(), now);
            if (inhibitions.isEmpty()) {
                alerts.add(a);
            } else if (recording()) {
                muted.add(Events.hash(a.alert().labels()));
                events.record(() -> Events.inhibitionMutedAlert(
                        inhibitions.stream().map(i -> Events.inhibitRule("", i.rule().source(), i.rule().target(), i.rule().equal())).toList(),
                        a.fingerprint(), a.alert().labels(), inhibitions.stream().map(Inhibitor.Inhibition::source).toList()));
            }
        }
        if (alerts.isEmpty() || timeMuted(route, now)) {
            return true;
        }
        alerts.removeIf(a -> {
            List<String> ids = silences.mutes(a.alert().labels(), now);
            if (!ids.isEmpty() && recording()) {
                muted.add(Events.hash(a.alert().labels()));
                for (String id : ids) {
                    io.promethium.alertmanager.store.Silence silence = silences.get(id);
                    if (silence != null) {
                        events.record(() -> Events.silenceMutedAlert(silence, a.fingerprint(), a.alert().labels()));
                    }
                }
            }
            return !ids.isEmpty();
        });
        if (alerts.isEmpty()) {
            return true;
        }
        alerts.sort(ORDER);
        List<Integration> targets = integrations.getOrDefault(route.receiver(), List.of());
        if (targets.isEmpty()) {
            return true;
        }
        Labels routeLabels = routeLabels(group, snapshot, now);
        Duration budget = route.groupInterval().compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : route.groupInterval();
        Instant deadline = now.plus(budget);
        List<Future<Boolean>> results = new ArrayList<>();
        try (TraceSpan span = tracer.start("dispatch.AggregationGroup.flush");
             var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            if (tracer.enabled()) {
                span.attribute("aggrGroup", group.key()).attribute("receiver", route.receiver()).attribute("alerts", alerts.size());
            }
            for (Integration integration : targets) {
                results.add(executor.submit(span.wrap(() -> deliver(group, integration, alerts, now, deadline, routeLabels, muted))));
            }
            boolean ok = true;
            for (Future<Boolean> f : results) {
                try {
                    ok &= f.get();
                } catch (ExecutionException e) {
                    LOG.log(Level.SEVERE, "notify failed for group " + group.key(), e.getCause());
                    ok = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return ok;
        }
    }

    private boolean timeMuted(RouteConfig route, Instant now) {
        if (!route.activeTimeIntervals().isEmpty()) {
            boolean active = false;
            for (String name : route.activeTimeIntervals()) {
                TimeIntervals ti = config.timeIntervals().get(name);
                active |= ti != null && ti.contains(now);
            }
            if (!active) {
                return true;
            }
        }
        for (String name : route.muteTimeIntervals()) {
            TimeIntervals ti = config.timeIntervals().get(name);
            if (ti != null && ti.contains(now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The route's labels rendered against the batch being flushed, as Alertmanager's dispatcher
     * renders them before each flush (against the group's alerts, its receiver and group labels,
     * before inhibition and silences); a label that fails to render is logged and left out.
     */
    private Labels routeLabels(AggregationGroup group, List<StoredAlert> batch, Instant now) {
        if (batch.isEmpty()) {
            // Nothing to render against (Alertmanager's RouteLabels of an empty group).
            return Labels.EMPTY;
        }
        RouteConfig route = group.route().config();
        if (route.labels().isEmpty()) {
            return Labels.EMPTY;
        }
        Labels.Builder raw = Labels.builder();
        route.labels().forEach(raw::set);
        Notification data = notification(group, route.receiver(), batch, now, Labels.EMPTY);
        return templates.renderRouteLabels(raw.build(), data, (label, error) -> LOG.log(Level.SEVERE,
                "failed to render route label " + label + " for group " + group.key() + ": " + error));
    }

    /** The route labels of {@code group} rendered against its current alerts, as the alert groups API shows them. */
    public Labels routeLabels(AggregationGroup group, Instant now) {
        return routeLabels(group, group.alerts(), now);
    }

    private boolean recording() {
        return events != null && events.enabled();
    }

    /** Where this pipeline's events go, or null. */
    EventRecorder events() {
        return events;
    }

    private boolean deliver(AggregationGroup group, Integration integration, List<StoredAlert> alerts, Instant now,
                            Instant deadline, Labels routeLabels, Set<Long> muted) throws InterruptedException {
        Set<Long> firing = new HashSet<>();
        Set<Long> resolved = new HashSet<>();
        for (StoredAlert a : alerts) {
            (a.resolvedAt(now) ? resolved : firing).add(a.fingerprint());
        }
        String logKey = NotificationLog.key(group.key(), integration.receiver(), integration.config().type(),
                integration.config().index());
        Integration.Built built = current(integration, deadline);
        if (built == null) {
            // Its plugin is not installed (or refused the block): nothing is logged, so the
            // notification goes out once it is there (the runtime flushes the group again then).
            LOG.warning("notify " + integration.receiver() + "/" + integration.config().name() + " for group " + group.key()
                    + " not sent: " + integration.slot().why());
            return false;
        }
        boolean sendResolved = built.sendResolved();
        Notification.Reason reason = reason(log.get(logKey), firing, resolved, group.route().config().repeatInterval(),
                sendResolved, now);
        if (reason == null) {
            return true;
        }
        List<StoredAlert> sent = sendResolved ? alerts : alerts.stream().filter(a -> !a.resolvedAt(now)).toList();
        if (!sent.isEmpty()) {
            Notification n = notification(group, integration.receiver(), sent, now, routeLabels).withReason(reason);
            NotificationLog.Entry previous = log.get(logKey);
            KeptState state = new KeptState(previous == null ? Map.of() : previous.data());
            if (!sendWithRetries(group, integration, n, deadline, state)) {
                return false;
            }
            if (recording()) {
                recordNotification(group, integration, n, alerts, muted, reason, now);
            }
            log.log(logKey, firing, resolved, clock.instant(), state.values);
            return true;
        }
        log.log(logKey, firing, resolved, clock.instant());
        return true;
    }

    /** 0.34's notification event: after a successful delivery by one integration. */
    private void recordNotification(AggregationGroup group, Integration integration, Notification n, List<StoredAlert> alerts,
                                    Set<Long> muted, Notification.Reason reason, Instant now) {
        List<Long> firing = new ArrayList<>();
        List<Long> resolved = new ArrayList<>();
        for (StoredAlert a : alerts) {
            (a.resolvedAt(now) ? resolved : firing).add(Events.hash(a.alert().labels()));
        }
        RouteConfig route = group.route().config();
        Events.GroupInfo info = new Events.GroupInfo(group.key(), group.groupLabels(), integration.receiver(), route.matchers(),
                group.id());
        long flushId = group.flushId();
        List<Long> mutedNow = List.copyOf(muted);
        events.record(() -> Events.notification(info, n.alerts(), firing, resolved, mutedNow, route.repeatInterval(), reason.name(),
                flushId, integration.config().type(), integration.config().index(), now));
    }

    /**
     * Alertmanager's DedupStage decision for one integration: why it is notified now (its
     * {@code needsUpdate}, the reason templates see as {@code .NotificationReason}), or null when
     * it is not.
     */
    static Notification.Reason reason(NotificationLog.Entry entry, Set<Long> firing, Set<Long> resolved, Duration repeat,
                                      boolean sendResolved, Instant now) {
        if (entry == null) {
            return firing.isEmpty() ? null : Notification.Reason.FIRST_NOTIFICATION;
        }
        if (!entry.firing().containsAll(firing)) {
            // After a notification of all resolved, new firing alerts start the group over.
            return entry.firing().isEmpty() ? Notification.Reason.FIRST_NOTIFICATION : Notification.Reason.NEW_ALERTS_IN_GROUP;
        }
        if (firing.isEmpty()) {
            // Everything resolved: tell the receiver only if it knew of firing alerts.
            return entry.firing().isEmpty() ? null : Notification.Reason.ALL_ALERTS_RESOLVED;
        }
        if (sendResolved && !entry.resolved().containsAll(resolved)) {
            return Notification.Reason.NEW_RESOLVED_ALERTS;
        }
        return entry.timestamp().isBefore(now.minus(repeat)) ? Notification.Reason.REPEAT_INTERVAL_ELAPSED : null;
    }

    /** The group's integration data for one notification: the log entry's, with what the sends put. */
    private static final class KeptState implements NotificationState {
        final Map<String, String> values;

        KeptState(Map<String, String> previous) {
            // An abandoned attempt may still write from its own thread.
            this.values = new java.util.concurrent.ConcurrentHashMap<>(previous);
        }

        @Override
        public String get(String key) {
            return values.get(key);
        }

        @Override
        public void put(String key, String value) {
            values.put(key, value);
        }
    }

    private boolean sendWithRetries(AggregationGroup group, Integration integration, Notification n, Instant deadline,
                                    NotificationState state) throws InterruptedException {
        try (TraceSpan span = tracer.start("notify.RetryStage.Exec")) {
            if (tracer.enabled()) {
                span.attribute("receiver", integration.receiver()).attribute("integration", integration.config().name())
                        .attribute("alerts", n.alerts().size());
            }
            boolean sent = retrying(group, integration, n, deadline, state);
            if (!sent) {
                span.error("notify failed");
            }
            return sent;
        }
    }

    private boolean retrying(AggregationGroup group, Integration integration, Notification n, Instant deadline,
                             NotificationState state) throws InterruptedException {
        DispatchMetrics.PerIntegration m = metrics.of(integration.config().type());
        m.notifications.incrementAndGet();
        Duration backoff = INITIAL_BACKOFF;
        int attempt = 0;
        while (true) {
            attempt++;
            m.requests.incrementAndGet();
            long start = System.nanoTime();
            NotifyException failure;
            try (TraceSpan attemptSpan = tracer.start("notify.Integration.Notify")) {
                failure = attempt(integration, n, deadline, state, attemptSpan);
                if (failure != null) {
                    attemptSpan.error(failure.getMessage());
                }
            }
            m.observe((System.nanoTime() - start) / 1e9);
            if (failure == null) {
                return true;
            }
            m.requestsFailed.incrementAndGet();
            Instant now = clock.instant();
            Duration wait = failure.retryAfter().orElse(jitter(backoff));
            if (!failure.retryable() || now.plus(wait).isAfter(deadline)) {
                m.failed[DispatchMetrics.reason(failure)].incrementAndGet();
                LOG.warning("notify " + integration.receiver() + "/" + integration.config().name() + " for group " + group.key()
                        + " failed after " + attempt + " attempt(s)" + (failure.retryable() ? "" : " (not retryable)") + ": "
                        + failure.getMessage());
                return false;
            }
            LOG.fine("notify attempt " + attempt + " failed, retrying in " + wait + ": " + failure.getMessage());
            Thread.sleep(wait.toMillis());
            backoff = backoff.multipliedBy(3).dividedBy(2);
            if (backoff.compareTo(MAX_BACKOFF) > 0) {
                backoff = MAX_BACKOFF;
            }
        }
    }

    /** The integration's notifier, waiting for one until the deadline (its plugin may be being updated); null when none came. */
    private static Integration.Built current(Integration integration, Instant deadline) throws InterruptedException {
        Integration.Built built = integration.slot().get();
        if (built != null) {
            return built;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? null : integration.slot().await(left);
    }

    /**
     * One attempt on its own virtual thread, abandoned at the deadline so a hanging notifier
     * cannot hold the group. The notifier is the integration's current one: after a plugin
     * update the retry goes through the new version; the attempt of a plugin that went is
     * interrupted (and retried through its replacement). The attempt's span goes with it.
     */
    private static NotifyException attempt(Integration integration, Notification n, Instant deadline, NotificationState state,
                                           TraceSpan attemptSpan) throws InterruptedException {
        Integration.Built built = current(integration, deadline);
        if (built == null) {
            return NotifyException.retryLater(integration.slot().why(), null);
        }
        // The attempt's span is current on the sending thread: the notifier's HTTP client spans are its children.
        var task = new java.util.concurrent.FutureTask<NotifyException>(attemptSpan.wrap(() -> {
            Thread self = Thread.currentThread();
            if (!built.enter(self)) {
                return NotifyException.retryLater("notifier plugin " + integration.config().type() + " went away", null);
            }
            try {
                built.notifier().send(n, deadline, state);
                return null;
            } catch (NotifyException e) {
                // Interrupted because its plugin went (an update): not the receiver's failure, whatever the
                // plugin made of the interrupt (HttpDelivery says "interrupted", not retried). Its replacement retries.
                return built.closed() ? NotifyException.retryLater("notifier plugin " + integration.config().type()
                        + " went away during the attempt (" + e.getMessage() + ")", e) : e;
            } catch (RuntimeException e) {
                return NotifyException.retryLater("notifier failed: " + e, e);
            } finally {
                built.exit(self);
            }
        }));
        Thread t = Thread.ofVirtual().name("alertmanager-notify").start(task);
        long wait = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        try {
            return task.get(wait, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            task.cancel(true);
            return NotifyException.doNotRetry("notify timed out: deadline " + deadline + " passed", null);
        } catch (ExecutionException e) {
            return NotifyException.retryLater(String.valueOf(e.getCause()), e.getCause());
        }
    }

    private static Duration jitter(Duration d) {
        double f = 1 + (ThreadLocalRandom.current().nextDouble() - 0.5);
        return Duration.ofMillis((long) (d.toMillis() * f));
    }

    private Notification notification(AggregationGroup group, String receiver, List<StoredAlert> sent, Instant now,
                                      Labels routeLabels) {
        List<Alert> out = new ArrayList<>();
        boolean firing = false;
        for (StoredAlert s : sent) {
            Alert a = s.alert();
            boolean resolved = a.resolvedAt(now);
            firing |= !resolved;
            // A firing alert's end is not shown (Alertmanager exposes the zero time), so the status cannot change in flight.
            out.add(resolved ? a : new Alert(a.labels(), a.annotations(), a.startsAt(), null, a.generatorUrl()));
        }
        return new Notification(receiver, firing, out, group.groupLabels(), common(out, true), common(out, false),
                externalUrl, group.key(), routeLabels);
    }

    private static Labels common(List<Alert> alerts, boolean labels) {
        if (alerts.isEmpty()) {
            return Labels.EMPTY;
        }
        Labels first = labels ? alerts.get(0).labels() : alerts.get(0).annotations();
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < first.size(); i++) {
            String name = first.name(i);
            String value = first.value(i);
            boolean all = true;
            for (Alert a : alerts) {
                if (!value.equals((labels ? a.labels() : a.annotations()).get(name))) {
                    all = false;
                    break;
                }
            }
            if (all) {
                b.set(name, value);
            }
        }
        return b.build();
    }

    /** Alertmanager's alert order: by job, then instance, then the whole label set. */
    static final Comparator<StoredAlert> ORDER = (x, y) -> {
        Labels a = x.alert().labels();
        Labels b = y.alert().labels();
        for (String key : List.of("job", "instance")) {
            String av = a.get(key);
            String bv = b.get(key);
            if (av == null && bv == null) {
                continue;
            }
            if (av == null) {
                return 1;
            }
            if (bv == null) {
                return -1;
            }
            if (!av.equals(bv)) {
                return av.compareTo(bv);
            }
        }
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = a.name(i).compareTo(b.name(i));
            if (c != 0) {
                return c;
            }
            c = a.value(i).compareTo(b.value(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** Whether an alert is suppressed now, and by what (for the API and metrics). */
    public record Suppression(List<String> silencedBy, List<String> inhibitedBy) {
        public boolean suppressed() {
            return !silencedBy.isEmpty() || !inhibitedBy.isEmpty();
        }
    }

    public Suppression suppression(StoredAlert a, Instant now) {
        return new Suppression(silences.mutes(a.alert().labels(), now), inhibitor.inhibitedBy(a.alert().labels(), a.fingerprint(), now));
    }
}
