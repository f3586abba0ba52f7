package io.promethium.push.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The pushed groups: applies pushes (PUT replaces the group's families, POST only those it
 * carries), deletions, wipes and expiry by time to live, after the Pushgateway's checks and the
 * configured limits. Writers are serialized, as the Pushgateway's single write loop serializes
 * them; readers get immutable snapshots. Thread-safe.
 */
final class GroupStore {

    static final String PUSH_TIME = "push_time_seconds";
    static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";

    /** What a push is allowed to be. */
    record Limits(int maxGroups, int maxSeriesPerGroup) {
    }

    private final Limits limits;
    private final NameValidation names;
    private final LongSupplier nanoClock;
    private final LongConsumer deadlines;
    private final Map<GroupingKey, MetricGroup> groups = new HashMap<>();
    /** Family name → groups holding it, so the checks visit only related families. */
    private final Map<String, Set<GroupingKey>> byFamily = new HashMap<>();
    private volatile List<MetricGroup> snapshot = List.of();
    private volatile long version;
    private volatile long expiredGroups;

    /** @param nanoClock Unix time in nanoseconds */
    GroupStore(Limits limits, LongSupplier nanoClock) {
        this(limits, NameValidation.LEGACY, nanoClock);
    }

    /**
     * @param names which metric and label names a push may carry
     * @param nanoClock Unix time in nanoseconds
     */
    GroupStore(Limits limits, NameValidation names, LongSupplier nanoClock) {
        this(limits, names, nanoClock, deadline -> { });
    }

    /**
     * @param names which metric and label names a push may carry
     * @param nanoClock Unix time in nanoseconds
     * @param deadlines told, under the store's lock, when a group stored or restored will outlive its
     *     time to live (on {@code nanoClock}), so expiry can wait for the earliest instead of polling
     */
    GroupStore(Limits limits, NameValidation names, LongSupplier nanoClock, LongConsumer deadlines) {
        this.limits = limits;
        this.names = names;
        this.nanoClock = nanoClock;
        this.deadlines = deadlines;
    }

    static long wallClockNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Applies a push.
     *
     * @param ttlMillis the group's time to live from now on, 0 for none
     * @throws PushException when refused; a refusal that {@link PushException#recordsFailure()}
     *     has already set the group's failure time
     */
    synchronized void push(GroupingKey key, Map<String, MetricFamily> families, boolean replace, long ttlMillis) throws PushException {
        long now = nanoClock.getAsLong();
        expireLocked(now);
        MetricGroup existing = groups.get(key);
        if (existing == null && groups.size() >= limits.maxGroups()) {
            throw PushException.status(503, "the push endpoint holds " + groups.size()
                    + " groups, its limit (--push.max-groups); group " + key + " is not created").byLimit(PushException.GROUPS);
        }
        try {
            Map<String, MetricFamily> sanitized = new LinkedHashMap<>();
            for (MetricFamily f : families.values()) {
                if (f.name().equals(PUSH_TIME) || f.name().equals(PUSH_FAILURE_TIME)) {
                    throw PushException.rejected("\"" + f.name() + "\" is written by the push endpoint itself and cannot be pushed");
                }
                for (PushedMetric m : f.metrics()) {
                    if (m.hasTimestamp()) {
                        throw PushException.rejected("pushed metrics must not have timestamps");
                    }
                }
                sanitized.put(f.name(), sanitize(f, key));
            }
            Map<String, MetricGroup.StoredFamily> after = new HashMap<>();
            if (existing != null && !replace) {
                after.putAll(existing.families());
            }
            for (MetricFamily f : sanitized.values()) {
                after.put(f.name(), new MetricGroup.StoredFamily(f, now));
            }
            Map<String, MetricFamily> groupAfter = new HashMap<>();
            after.forEach((n, sf) -> groupAfter.put(n, sf.family()));
            ConsistencyCheck.check(sanitized, groupAfter, names, new ConsistencyCheck.Others() {
                @Override
                public Collection<MetricFamily> named(String name) {
                    return othersOf(name, key, false);
                }

                @Override
                public Collection<MetricFamily> overlapping(String name) {
                    return othersOf(name, key, true);
                }
            });
            MetricGroup next = new MetricGroup(key, after, now, existing == null ? 0 : existing.failureTimeNanos(), ttlMillis);
            if (next.sampleCount() > limits.maxSeriesPerGroup()) {
                throw PushException.rejected("group " + key + " would hold " + next.sampleCount()
                        + " series, more than the limit of " + limits.maxSeriesPerGroup() + " (--push.max-series-per-group)")
                        .byLimit(PushException.GROUP_SERIES);
            }
            put(next);
        } catch (PushException e) {
            if (e.recordsFailure()) {
                recordFailureLocked(key, now, ttlMillis);
            }
            throw e;
        }
    }

    /** Records a failed change of a group (a body the checks refused before the store saw it). */
    synchronized void recordFailure(GroupingKey key, long ttlMillis) {
        long now = nanoClock.getAsLong();
        expireLocked(now);
        recordFailureLocked(key, now, ttlMillis);
    }

    private void recordFailureLocked(GroupingKey key, long now, long ttlMillis) {
        MetricGroup existing = groups.get(key);
        if (existing == null) {
            if (groups.size() >= limits.maxGroups()) {
                return;
            }
            put(new MetricGroup(key, Map.of(), 0, now, ttlMillis));
        } else {
            put(new MetricGroup(key, existing.families(), existing.pushTimeNanos(), now, ttlMillis));
        }
    }

    synchronized void delete(GroupingKey key) {
        expireLocked(nanoClock.getAsLong());
        MetricGroup removed = groups.remove(key);
        if (removed != null) {
            unindex(removed);
            publish();
        }
    }

    synchronized void wipe() {
        groups.clear();
        byFamily.clear();
        publish();
    }

    /** Drops the groups whose time to live has passed; returns how many. */
    synchronized int expire() {
        return expireLocked(nanoClock.getAsLong());
    }

    /** Replaces the whole content, for restoring from the persistence file. */
    synchronized void restore(Collection<MetricGroup> restored) {
        groups.clear();
        byFamily.clear();
        for (MetricGroup g : restored) {
            groups.put(g.key(), g);
            index(g);
            tellDeadline(g);
        }
        expireLocked(nanoClock.getAsLong());
        publish();
    }

    /** The groups, sorted by grouping key, none expired. */
    List<MetricGroup> groups() {
        List<MetricGroup> s = snapshot;
        long now = nanoClock.getAsLong();
        for (MetricGroup g : s) {
            if (g.expired(now)) {
                expire();
                return snapshot;
            }
        }
        return s;
    }

    /** Groups dropped so far because their time to live passed. */
    long expiredGroups() {
        return expiredGroups;
    }

    /** Increases with every change; persistence writes when it moved. */
    long version() {
        return version;
    }

    private int expireLocked(long now) {
        List<GroupingKey> dead = new ArrayList<>();
        for (MetricGroup g : groups.values()) {
            if (g.expired(now)) {
                dead.add(g.key());
            }
        }
        for (GroupingKey k : dead) {
            unindex(groups.remove(k));
        }
        expiredGroups += dead.size();
        if (!dead.isEmpty()) {
            publish();
        }
        return dead.size();
    }

    private Collection<MetricFamily> othersOf(String name, GroupingKey self, boolean overlappingOnly) {
        Set<GroupingKey> keys = byFamily.get(name);
        if (keys == null) {
            return List.of();
        }
        List<MetricFamily> result = new ArrayList<>();
        for (GroupingKey k : keys) {
            if (!k.equals(self) && (!overlappingOnly || agree(k, self))) {
                result.add(groups.get(k).families().get(name).family());
            }
        }
        return result;
    }

    /** Whether two grouping keys give the same value to every label name they share. */
    private static boolean agree(GroupingKey a, GroupingKey b) {
        for (Map.Entry<String, String> e : a.labels().entrySet()) {
            String other = b.labels().get(e.getKey());
            if (other != null && !other.equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private void put(MetricGroup g) {
        MetricGroup old = groups.put(g.key(), g);
        if (old != null) {
            unindex(old);
        }
        index(g);
        tellDeadline(g);
        publish();
    }

    private void tellDeadline(MetricGroup g) {
        long at = g.expiresAtNanos();
        if (at != Long.MAX_VALUE) {
            deadlines.accept(at);
        }
    }

    /** When the next group outlives its time to live (on the store's clock), or {@link Long#MAX_VALUE} with none to. */
    synchronized long nextDeadlineNanos() {
        long next = Long.MAX_VALUE;
        for (MetricGroup g : groups.values()) {
            next = Math.min(next, g.expiresAtNanos());
        }
        return next;
    }

    /** Unix time in nanoseconds on the store's clock. */
    long nowNanos() {
        return nanoClock.getAsLong();
    }

    private void index(MetricGroup g) {
        for (String name : g.families().keySet()) {
            byFamily.computeIfAbsent(name, n -> new HashSet<>()).add(g.key());
        }
    }

    private void unindex(MetricGroup g) {
        for (String name : g.families().keySet()) {
            Set<GroupingKey> keys = byFamily.get(name);
            if (keys != null) {
                keys.remove(g.key());
                if (keys.isEmpty()) {
                    byFamily.remove(name);
                }
            }
        }
    }

    private void publish() {
        List<MetricGroup> list = new ArrayList<>(groups.values());
        list.sort((a, b) -> a.key().compareTo(b.key()));
        snapshot = List.copyOf(list);
        version++;
    }

    /**
     * The Pushgateway's label sanitizing: the grouping key's labels are set on every metric
     * (replacing pushed values), {@code instance} is added empty when absent, labels sorted by name.
     */
    static MetricFamily sanitize(MetricFamily f, GroupingKey key) {
        List<PushedMetric> metrics = new ArrayList<>(f.metrics().size());
        for (PushedMetric m : f.metrics()) {
            metrics.add(m.withLabels(sanitizeLabels(m.labels(), key)));
        }
        return f.withMetrics(metrics);
    }

    static List<LabelPair> sanitizeLabels(List<LabelPair> labels, GroupingKey key) {
        Map<String, String> pending = new HashMap<>(key.labels());
        List<LabelPair> out = new ArrayList<>(labels.size() + pending.size() + 1);
        boolean hasInstance = false;
        for (LabelPair l : labels) {
            String v = pending.remove(l.name());
            out.add(v == null ? l : new LabelPair(l.name(), v));
            hasInstance |= l.name().equals("instance");
        }
        for (Map.Entry<String, String> e : pending.entrySet()) {
            out.add(new LabelPair(e.getKey(), e.getValue()));
            hasInstance |= e.getKey().equals("instance");
        }
        if (!hasInstance) {
            out.add(new LabelPair("instance", ""));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }
}
