package io.promethium.rules.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.notify.Alert;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.promql.engine.Sample;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.AlertState;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.RuleType;
import io.promethium.rules.internal.file.RuleDef;
import io.promethium.rules.internal.template.Expander;
import io.promethium.templates.QueryFunction;
import io.promethium.templates.QuerySample;
import io.promethium.templates.Template;
import io.promethium.rules.internal.template.TemplateData;
import io.promethium.templates.TemplateException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An alerting rule: each sample of its query is an alert, pending until it has held for
 * {@code for}, then firing; it stays firing for {@code keep_firing_for} after the condition ends,
 * then resolves. Resolved alerts are kept 15 minutes so the resolution is re-sent. Writes
 * {@code ALERTS} and {@code ALERTS_FOR_STATE} once its state is restored.
 */
public final class AlertingRule extends BaseRule {

    public static final String ALERTS = "ALERTS";
    public static final String ALERTS_FOR_STATE = "ALERTS_FOR_STATE";
    static final long RESOLVED_RETENTION_MILLIS = Duration.ofMinutes(15).toMillis();

    private final Labels labels;
    private final Map<String, Template> labelTemplates = new HashMap<>();
    private final Map<String, Template> annotationTemplates = new HashMap<>();
    private final long holdMillis;
    private final long keepFiringMillis;
    private final Map<Labels, AlertInstance> active = new LinkedHashMap<>();
    private volatile boolean restored;

    public AlertingRule(RuleDef def, Labels groupLabels, boolean restored) throws TemplateException {
        super(def);
        this.labels = RecordingRule.merge(groupLabels, def.labels());
        String templateName = "__alert_" + def.name();
        for (int i = 0; i < labels.size(); i++) {
            if (labels.value(i).contains("{{")) {
                labelTemplates.put(labels.name(i), Expander.parse(templateName, labels.value(i)));
            }
        }
        for (int i = 0; i < def.annotations().size(); i++) {
            if (def.annotations().value(i).contains("{{")) {
                annotationTemplates.put(def.annotations().name(i), Expander.parse(templateName, def.annotations().value(i)));
            }
        }
        this.holdMillis = def.forDuration().toMillis();
        this.keepFiringMillis = def.keepFiringFor().toMillis();
        this.restored = restored;
    }

    public boolean restored() {
        return restored;
    }

    void setRestored() {
        restored = true;
    }

    long holdMillis() {
        return holdMillis;
    }

    @Override
    public List<Sample> eval(long evalTime, long queryTime, int limit, RuleEnvironment env) throws Exception {
        List<Sample> result = env.queries().query(def.parsed(), queryTime);
        Map<String, String> external = env.externalLabelMap();
        // Prometheus runs a template's queries, and gives its now, at the evaluation time itself
        // (rules/alerting.go: the expander gets ts, the rule's query ts minus the query offset).
        QueryFunction templateQuery = q -> toQuerySamples(env.queries().query(q, evalTime));
        java.time.Instant templateTime = java.time.Instant.ofEpochMilli(evalTime);
        String templateError = null;
        Map<Labels, AlertInstance> current = new LinkedHashMap<>();
        for (Sample s : result) {
            Map<String, String> seriesLabels = new LinkedHashMap<>();
            s.labels().forEach(seriesLabels::put);
            TemplateData data = new TemplateData(seriesLabels, external, env.externalUrl(), s.v());
            Labels.Builder lb = s.labels().toBuilder();
            lb.remove(Labels.METRIC_NAME);
            for (int i = 0; i < labels.size(); i++) {
                String name = labels.name(i);
                Template t = labelTemplates.get(name);
                String value = labels.value(i);
                if (t != null) {
                    Expander.Result r = Expander.expand(t, data, templateQuery, templateTime);
                    value = r.text();
                    templateError = templateError == null ? r.error() : templateError;
                }
                lb.set(name, value);
            }
            lb.set("alertname", def.name());
            Labels.Builder ab = Labels.builder();
            for (int i = 0; i < def.annotations().size(); i++) {
                String name = def.annotations().name(i);
                Template t = annotationTemplates.get(name);
                String value = def.annotations().value(i);
                if (t != null) {
                    Expander.Result r = Expander.expand(t, data, templateQuery, templateTime);
                    value = r.text();
                    templateError = templateError == null ? r.error() : templateError;
                }
                ab.set(name, value);
            }
            Labels alertLabels = lb.build();
            if (current.containsKey(alertLabels)) {
                throw new IllegalStateException("vector contains metrics with the same labelset after applying alert labels");
            }
            current.put(alertLabels, new AlertInstance(alertLabels, ab.build(), s.v(), evalTime));
        }
        List<Sample> out = new ArrayList<>();
        synchronized (this) {
            for (AlertInstance a : current.values()) {
                AlertInstance existing = active.get(a.labels);
                if (existing != null && existing.state != AlertState.INACTIVE) {
                    existing.value = a.value;
                    existing.annotations = a.annotations;
                    continue;
                }
                active.put(a.labels, a);
            }
            int activePending = 0;
            Iterator<AlertInstance> it = active.values().iterator();
            while (it.hasNext()) {
                AlertInstance a = it.next();
                if (!current.containsKey(a.labels)) {
                    boolean keepFiring = false;
                    if (a.state == AlertState.FIRING && keepFiringMillis > 0) {
                        if (a.keepFiringSince == AlertInstance.NEVER) {
                            a.keepFiringSince = evalTime;
                        }
                        if (evalTime - a.keepFiringSince < keepFiringMillis) {
                            keepFiring = true;
                        }
                    }
                    if (a.state == AlertState.PENDING
                            || (a.resolvedAt != AlertInstance.NEVER && evalTime - a.resolvedAt > RESOLVED_RETENTION_MILLIS)) {
                        it.remove();
                    }
                    if (a.state != AlertState.INACTIVE && !keepFiring) {
                        a.state = AlertState.INACTIVE;
                        a.resolvedAt = evalTime;
                    }
                    if (!keepFiring) {
                        continue;
                    }
                } else {
                    a.keepFiringSince = AlertInstance.NEVER;
                }
                activePending++;
                if (a.state == AlertState.PENDING && evalTime - a.activeAt >= holdMillis) {
                    a.state = AlertState.FIRING;
                    a.firedAt = evalTime;
                }
                if (restored) {
                    out.add(alertsSample(a, queryTime));
                    out.add(forStateSample(a, queryTime));
                }
            }
            if (limit > 0 && activePending > limit) {
                active.clear();
                throw new IllegalStateException("exceeded limit of " + limit + " with " + activePending + " alerts");
            }
        }
        if (templateError != null) {
            throw new TemplateFailure(templateError, out);
        }
        return out;
    }

    /** A template failed: the alerts were still produced (with the error text), the rule is unhealthy. */
    public static final class TemplateFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<Sample> samples;

        TemplateFailure(String message, List<Sample> samples) {
            super(message);
            this.samples = samples;
        }

        public List<Sample> samples() {
            return samples;
        }
    }

    private static List<QuerySample> toQuerySamples(List<Sample> samples) {
        List<QuerySample> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            out.add(new QuerySample(s.labels(), s.v()));
        }
        return out;
    }

    private Sample alertsSample(AlertInstance a, long t) {
        Labels l = a.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS).set("alertstate", a.state.apiName()).build();
        return new Sample(l, t, 1);
    }

    private Sample forStateSample(AlertInstance a, long t) {
        Labels l = a.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS_FOR_STATE).build();
        return new Sample(l, t, Math.floorDiv(a.activeAt, 1000));
    }

    /** The alerts due for sending at {@code now} (Prometheus's cadence), marking them sent. */
    List<Alert> alertsToSend(long now, long resendDelayMillis, long intervalMillis, String externalUrl) {
        List<Alert> out = new ArrayList<>();
        // Prometheus's strutil.TableLinkForExpression: Go's url.QueryEscape (a space as '+', '*' escaped, '~' kept).
        String generator = externalUrl + "/graph?g0.expr=" + URLEncoder.encode(query(), StandardCharsets.UTF_8)
                .replace("*", "%2A").replace("%7E", "~") + "&g0.tab=1";
        synchronized (this) {
            for (AlertInstance a : active.values()) {
                if (!a.needsSending(now, resendDelayMillis)) {
                    continue;
                }
                a.lastSentAt = now;
                long delta = Math.max(resendDelayMillis, intervalMillis);
                a.validUntil = now + 4 * delta;
                Instant endsAt = Instant.ofEpochMilli(a.resolvedAt != AlertInstance.NEVER ? a.resolvedAt : a.validUntil);
                out.add(new Alert(a.labels, a.annotations, Instant.ofEpochMilli(a.firedAt != AlertInstance.NEVER ? a.firedAt : a.activeAt),
                        endsAt, generator));
            }
        }
        return out;
    }

    /**
     * Restores {@code activeAt} of pending alerts from {@code ALERTS_FOR_STATE} after a restart,
     * as Prometheus does: an alert that had been pending keeps its progress, shifted by the time
     * the server was down, and never fires sooner than the grace period.
     */
    void restoreForState(Querier querier, long now, long gracePeriodMillis) {
        if (holdMillis < gracePeriodMillis) {
            setRestored();
            return;
        }
        synchronized (this) {
            for (AlertInstance a : active.values()) {
                List<Matcher> matchers = new ArrayList<>();
                matchers.add(Matcher.equal(Labels.METRIC_NAME, ALERTS_FOR_STATE));
                a.labels.forEach((n, v) -> matchers.add(Matcher.of(MatchType.EQUAL, n, v)));
                Labels wanted = a.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS_FOR_STATE).build();
                SeriesSet set = querier.select(false, null, matchers);
                Series found = null;
                while (set.next()) {
                    if (set.at().labels().equals(wanted)) {
                        found = set.at();
                        break;
                    }
                }
                if (found == null) {
                    continue;
                }
                long t = Long.MIN_VALUE;
                double v = Double.NaN;
                SampleIterator it = found.iterator(null);
                while (it.next()) {
                    t = it.timestamp();
                    v = it.value();
                }
                if (t == Long.MIN_VALUE || StaleMarker.isStale(v)) {
                    continue;
                }
                long downAt = Math.floorDiv(t, 1000) * 1000;
                long restoredActiveAt = (long) v * 1000;
                long spentPending = downAt - restoredActiveAt;
                long remaining = holdMillis - spentPending;
                if (remaining <= 0) {
                    // It was firing: with its activeAt back, the next evaluation makes it firing again
                    // if the condition holds (no new wait of `for`, so no gap the receivers would see).
                    a.activeAt = restoredActiveAt;
                    continue;
                } else if (remaining < gracePeriodMillis) {
                    restoredActiveAt = now + gracePeriodMillis - holdMillis;
                } else {
                    restoredActiveAt = restoredActiveAt + (now - downAt);
                }
                a.activeAt = restoredActiveAt;
            }
        }
        setRestored();
    }

    /** Takes over the alerts of the rule this one replaces on reload. */
    void copyStateFrom(AlertingRule old) {
        copyHealthFrom(old);
        synchronized (old) {
            synchronized (this) {
                active.putAll(old.active);
            }
        }
        if (old.restored) {
            restored = true;
        }
    }

    public synchronized List<ActiveAlert> activeAlerts() {
        List<ActiveAlert> out = new ArrayList<>();
        for (AlertInstance a : active.values()) {
            if (a.state != AlertState.INACTIVE) {
                out.add(a.snapshot());
            }
        }
        return out;
    }

    @Override
    public RuleStatus status() {
        List<ActiveAlert> alerts = activeAlerts();
        AlertState state = AlertState.INACTIVE;
        for (ActiveAlert a : alerts) {
            if (a.state().ordinal() > state.ordinal()) {
                state = a.state();
            }
        }
        return new RuleStatus(RuleType.ALERTING, def.name(), query(), labels, def.annotations(), def.forDuration(),
                def.keepFiringFor(), health(), lastError(), evaluationTime(), lastEvaluation(), state, alerts);
    }
}
