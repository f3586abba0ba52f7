package io.promethium.rules.internal.eval;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.notify.Alert;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.promql.engine.Sample;
import io.promethium.rules.RuleGroupStatus;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.internal.file.GroupDef;
import io.promethium.rules.internal.file.RuleDef;
import io.promethium.templates.TemplateException;
import io.promethium.goformat.GoDurations;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A rule group: its rules evaluated in order, every interval, on a virtual thread of its own (with
 * concurrent rule evaluation on, the rules no other depends on may run beside it; see
 * {@link RuleConcurrency}).
 * Evaluation times are aligned as in Prometheus: multiples of the interval shifted by a hash of
 * the group, so groups spread over the interval and restarts keep the phase. Series a rule
 * produced last time but not this time get a staleness marker.
 */
public final class RuleGroup {

    private static final Logger LOG = Logger.getLogger(RuleGroup.class.getName());

    private final GroupDef def;
    private final Duration interval;
    private final Duration queryOffset;
    private final List<BaseRule> rules;
    /** Per rule, whether it may run beside the others (concurrent rule evaluation on); else all false. */
    private final boolean[] independent;
    private final RuleEnvironment env;
    private final GroupMetrics metrics = new GroupMetrics();
    /** Per rule, the series written at the last evaluation (for staleness markers). Loop thread only. */
    private final List<Set<Labels>> seriesReturned;
    private volatile boolean shouldRestore;
    private volatile Instant lastEvaluation;
    private volatile Duration evaluationTime = Duration.ZERO;
    private volatile boolean stopped;
    private volatile Thread thread;

    public RuleGroup(GroupDef def, Duration defaultInterval, Duration defaultQueryOffset, RuleEnvironment env,
                     boolean shouldRestore) throws TemplateException {
        this.def = requireNonNull(def, "def is null");
        this.interval = def.interval() != null ? def.interval() : defaultInterval;
        this.queryOffset = def.queryOffset() != null ? def.queryOffset() : defaultQueryOffset;
        this.env = requireNonNull(env, "env is null");
        this.shouldRestore = shouldRestore;
        List<BaseRule> built = new ArrayList<>();
        for (RuleDef r : def.rules()) {
            built.add(switch (r.type()) {
                case RECORDING -> new RecordingRule(r, def.labels());
                case ALERTING -> new AlertingRule(r, def.labels(), !shouldRestore);
            });
        }
        this.rules = List.copyOf(built);
        this.independent = env.concurrency().enabled() ? RuleConcurrency.independent(rules) : new boolean[rules.size()];
        this.seriesReturned = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            seriesReturned.add(new HashSet<>());
        }
    }

    public String name() {
        return def.name();
    }

    public String file() {
        return def.file();
    }

    /** The key Prometheus's metrics use for a group: {@code file;name}. */
    public String key() {
        return def.file() + ";" + def.name();
    }

    public GroupDef def() {
        return def;
    }

    public Duration interval() {
        return interval;
    }

    public List<BaseRule> rules() {
        return rules;
    }

    public GroupMetrics metrics() {
        return metrics;
    }

    /** A phase in [0, interval) from the group's identity, so evaluation times are stable. */
    long offsetMillis() {
        long h = Labels.of("name", def.name(), "file", def.file()).stableHash();
        return Long.remainderUnsigned(h, interval.toMillis());
    }

    /** The evaluation slot at or before {@code now} (ms). */
    public long evalTimestamp(long now) {
        long iv = interval.toMillis();
        long offset = offsetMillis();
        long start = now - offset;
        long base = start - Math.floorMod(start, iv);
        return base + offset;
    }

    /** Starts the loop on a virtual thread. */
    public void start() {
        thread = Thread.ofVirtual().name("rule-group " + def.name()).start(this::run);
    }

    /** Stops the loop and waits for a running evaluation to finish. */
    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long iv = interval.toMillis();
        long next = evalTimestamp(env.clock().getAsLong()) + iv;
        while (!stopped) {
            long now = env.clock().getAsLong();
            if (now < next) {
                LockSupport.parkNanos((next - now) * 1_000_000L);
                continue;
            }
            long missed = (now - next) / iv;
            if (missed > 0) {
                metrics.missed.add(missed);
                next += missed * iv;
            }
            try {
                evaluate(next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "rule group " + key() + " evaluation failed", e);
            }
            next += iv;
        }
    }

    /** One evaluation of every rule at {@code evalTime} (ms); public for tools and tests. */
    public void evaluate(long evalTime) {
        // Off: one read of the flag, then NONE: no span, attribute or allocation per rule.
        Tracer t = env.tracer().get();
        if (!t.enabled()) {
            t = Tracer.NONE;
        }
        // As Prometheus's: the group's span starts at the scheduled time, a late start shows as "scheduleDelay".
        try (TraceSpan span = t.start("rule group", evalTime)) {
            if (t != Tracer.NONE) {
                span.attribute("name", def.name()).attribute("file", def.file())
                        .attribute("interval", GoDurations.format(interval)).attribute("scheduled", rfc3339(evalTime));
                if (env.clock().getAsLong() > evalTime) {
                    t.start("scheduleDelay", evalTime).close();
                }
            }
            evaluate(evalTime, t, span);
        }
    }

    private void evaluate(long evalTime, Tracer t, TraceSpan groupSpan) {
        long started = System.nanoTime();
        long queryTime = evalTime - queryOffset.toMillis();
        Storage storage = env.storage().get();
        metrics.iterations.increment();
        List<Thread> concurrent = null;
        AtomicLong written = new AtomicLong();
        for (int i = 0; i < rules.size(); i++) {
            int index = i;
            if (independent[i] && env.concurrency().tryAcquire()) {
                if (concurrent == null) {
                    concurrent = new ArrayList<>();
                }
                // The rule's span stays in the group's trace on the other thread.
                java.util.concurrent.Callable<Long> rule = groupSpan.wrap(() -> evaluateRule(index, evalTime, queryTime, storage, t));
                concurrent.add(Thread.ofVirtual().name("rule " + rules.get(i).def().name()).start(() -> {
                    try {
                        written.addAndGet(rule.call());
                    } catch (Exception e) {
                        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    } finally {
                        env.concurrency().release();
                    }
                }));
            } else {
                written.addAndGet(evaluateRule(index, evalTime, queryTime, storage, t));
            }
        }
        if (concurrent != null) {
            for (Thread thread : concurrent) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    // Stopping: the rules still running finish on their own; their results stay theirs.
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        long samplesWritten = written.get();
        if (shouldRestore) {
            restore(storage, env.clock().getAsLong());
        }
        long took = System.nanoTime() - started;
        evaluationTime = Duration.ofNanos(took);
        lastEvaluation = Instant.ofEpochMilli(evalTime);
        metrics.lastDurationSeconds = took / 1e9;
        metrics.groupSecondsSum.add(took / 1e9);
        metrics.groupSeconds.observe(took / 1e9);
        metrics.groupCount.increment();
        metrics.lastEvaluationSeconds = evalTime / 1000.0;
        metrics.lastSamples = samplesWritten;
    }

    /** Evaluates rule {@code i}, writes its results and sends its alerts; returns the samples written. */
    private long evaluateRule(int i, long evalTime, long queryTime, Storage storage, Tracer t) {
        BaseRule rule = rules.get(i);
        try (TraceSpan span = t.start("rule")) {
            if (t != Tracer.NONE) {
                span.attribute("group", def.name()).attribute("name", rule.def().name())
                        .attribute("query_offset", GoDurations.format(queryOffset)).attribute("index", i);
            }
            return evaluateRule(i, rule, evalTime, queryTime, storage, t, span);
        }
    }

    private long evaluateRule(int i, BaseRule rule, long evalTime, long queryTime, Storage storage, Tracer t, TraceSpan span) {
        long written = 0;
        long ruleStart = System.nanoTime();
        metrics.evaluations.increment();
        List<Sample> samples;
        String error = null;
        try {
            samples = rule.eval(evalTime, queryTime, def.limit(), env);
        } catch (AlertingRule.TemplateFailure e) {
            samples = e.samples();
            error = e.getMessage();
        } catch (Exception e) {
            samples = null;
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (StackOverflowError e) {
            // A pathological expression must cost this rule, not the group's thread.
            samples = null;
            error = "expression too deeply nested to evaluate";
        }
        // As Prometheus: a failed query sends nothing (alerts in Alertmanager expire on their
        // endsAt); a template error still sends, the alerts exist.
        if (samples != null && rule instanceof AlertingRule alerting) {
            List<Alert> alerts = alerting.alertsToSend(evalTime, env.resendDelay().toMillis(), interval.toMillis(),
                    env.externalUrl());
            if (!alerts.isEmpty()) {
                try {
                    env.notifier().accept(alerts);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "sending alerts of " + def.name() + " failed", e);
                }
            }
        }
        if (samples != null) {
            span.attribute("num_series", samples.size());
            String writeError = write(storage, i, samples, queryTime, t);
            written = samples.size();
            if (writeError != null && error == null) {
                error = writeError;
            }
        }
        if (error != null) {
            metrics.failures.increment();
            span.error(error);
        }
        long took = System.nanoTime() - ruleStart;
        metrics.ruleSecondsSum.add(took / 1e9);
        metrics.ruleSeconds.observe(took / 1e9);
        metrics.ruleCount.increment();
        rule.recordEvaluation(evalTime, took, error);
        return written;
    }

    /** Appends a rule's samples and staleness markers for its vanished series; returns an error or null. */
    private String write(Storage storage, int ruleIndex, List<Sample> samples, long t, Tracer tracer) {
        Set<Labels> previous = seriesReturned.get(ruleIndex);
        Set<Labels> current = new HashSet<>(samples.size() * 2);
        for (Sample s : samples) {
            current.add(s.labels());
        }
        if (storage == null) {
            seriesReturned.set(ruleIndex, current);
            return "no storage available to write rule results";
        }
        String error = null;
        Appender app;
        // Prometheus's spans of a rule's write: the appender, the appends (with staleness markers), the commit.
        try (TraceSpan span = tracer.start("newAppender")) {
            app = storage.appender();
        } catch (RuntimeException e) {
            return "cannot write rule results: " + e.getMessage();
        }
        try (TraceSpan span = tracer.start("ruleAppendResults")) {
            error = append(app, samples, previous, current, t);
        }
        try (TraceSpan span = tracer.start("ruleCommit")) {
            try {
                app.commit();
            } catch (RuntimeException e) {
                span.error(e);
                error = "cannot commit rule results: " + e.getMessage();
            }
        }
        seriesReturned.set(ruleIndex, current);
        return error;
    }

    /** Appends the samples and the markers of series gone since the last evaluation; returns the first error or null. */
    private static String append(Appender app, List<Sample> samples, Set<Labels> previous, Set<Labels> current, long t) {
        String error = null;
        for (Sample s : samples) {
            try {
                if (s.h() != null) {
                    app.appendHistogram(0, s.labels(), s.t(), s.h());
                } else {
                    app.append(0, s.labels(), s.t(), s.v());
                }
            } catch (StorageException e) {
                // Out-of-order or duplicate samples of one series do not stop the others.
                error = error == null ? "cannot append sample " + s.labels() + ": " + e.getMessage() : error;
            }
        }
        for (Labels gone : previous) {
            if (!current.contains(gone)) {
                try {
                    app.append(0, gone, t, StaleMarker.STALE_NAN);
                } catch (StorageException e) {
                    // A marker that cannot be written (out of order) is harmless: the series ends by lookback.
                }
            }
        }
        return error;
    }

    /** Go's {@code time.RFC3339Nano} in UTC: fraction digits without trailing zeros. */
    static String rfc3339(long millis) {
        String text = Instant.ofEpochMilli(millis).toString();
        int dot = text.indexOf('.');
        if (dot < 0) {
            return text;
        }
        int last = text.length() - 1; // the 'Z'
        while (last > dot + 1 && text.charAt(last - 1) == '0') {
            last--;
        }
        return text.substring(0, last == dot + 1 ? dot : last) + "Z";
    }

    /** Writes staleness markers for every series this group produced (it is being removed). */
    public void markAllStale(long t) {
        Storage storage = env.storage().get();
        if (storage == null) {
            return;
        }
        Appender app = storage.appender();
        for (Set<Labels> set : seriesReturned) {
            for (Labels l : set) {
                try {
                    app.append(0, l, t, StaleMarker.STALE_NAN);
                } catch (StorageException e) {
                    // Ignored as above.
                }
            }
            set.clear();
        }
        try {
            app.commit();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot write staleness markers of " + key(), e);
        }
    }

    private void restore(Storage storage, long now) {
        if (storage == null) {
            return;
        }
        shouldRestore = false;
        try (Querier q = storage.querier(now - env.outageTolerance().toMillis(), now - 1)) {
            for (BaseRule r : rules) {
                if (r instanceof AlertingRule a) {
                    a.restoreForState(q, now, env.gracePeriod().toMillis());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "restoring alert state of " + key() + " failed", e);
            for (BaseRule r : rules) {
                if (r instanceof AlertingRule a) {
                    a.setRestored();
                }
            }
        }
    }

    /** Takes over alert state, staleness tracking and timings of the group this one replaces. */
    public void copyStateFrom(RuleGroup old) {
        Map<String, Integer> oldIndex = new HashMap<>();
        for (int i = 0; i < old.rules.size(); i++) {
            oldIndex.putIfAbsent(ruleKey(old.rules.get(i)), i);
        }
        for (int i = 0; i < rules.size(); i++) {
            Integer j = oldIndex.remove(ruleKey(rules.get(i)));
            if (j == null) {
                continue;
            }
            BaseRule was = old.rules.get(j);
            if (rules.get(i) instanceof AlertingRule a && was instanceof AlertingRule b) {
                a.copyStateFrom(b);
            } else {
                rules.get(i).copyHealthFrom(was);
            }
            seriesReturned.set(i, new HashSet<>(old.seriesReturned.get(j)));
            old.seriesReturned.get(j).clear();
        }
        lastEvaluation = old.lastEvaluation;
        evaluationTime = old.evaluationTime;
        shouldRestore = old.shouldRestore;
    }

    private static String ruleKey(BaseRule r) {
        return r.def().type() + "\u0000" + r.def().name() + "\u0000" + r.def().labels();
    }

    public RuleGroupStatus status() {
        List<RuleStatus> statuses = new ArrayList<>(rules.size());
        for (BaseRule r : rules) {
            statuses.add(r.status());
        }
        return new RuleGroupStatus(def.name(), def.file(), interval, def.limit(), queryOffset, def.labels(),
                evaluationTime, lastEvaluation, statuses);
    }
}
