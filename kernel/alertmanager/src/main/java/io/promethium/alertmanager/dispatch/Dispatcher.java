package io.promethium.alertmanager.dispatch;

import io.promethium.alertmanager.config.AlertmanagerConfig;
import io.promethium.alertmanager.store.StoredAlert;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Runes;
import io.promethium.goformat.GoStrings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Routes alerts through the tree into aggregation groups, one per route and group labels; each
 * group runs on its own virtual thread with Alertmanager's timing, so a slow group or receiver
 * never delays another. One dispatcher per loaded config: a reload stops it and starts a new
 * one, fed with the alerts already known (the notification log keeps it from repeating itself).
 */
public final class Dispatcher implements AutoCloseable {

    private final Route root;
    private final Notifications notifications;
    private final Clock clock;
    /** Groups by route (identity: two routes with the same matchers keep separate groups, as in Alertmanager) and group key. */
    private final Map<GroupId, AggregationGroup> groups = new HashMap<>();
    private boolean closed;

    private record GroupId(Route route, String key) {
    }

    public Dispatcher(AlertmanagerConfig config, Notifications notifications, Clock clock) {
        this.root = new Route(config.route(), null);
        this.notifications = Objects.requireNonNull(notifications, "notifications is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    public Route root() {
        return root;
    }

    /** Puts an alert (new or updated) into the group of every route it matches. */
    public synchronized void dispatch(StoredAlert alert) {
        if (closed) {
            return;
        }
        for (Route route : root.match(alert.alert().labels())) {
            Labels groupLabels = route.groupLabels(alert.alert().labels());
            String key = route.key() + ":" + format(groupLabels);
            GroupId id = new GroupId(route, key);
            AggregationGroup group = groups.get(id);
            if (group == null) {
                group = new AggregationGroup(this, route, groupLabels, key, notifications, clock);
                groups.put(id, group);
                group.start();
            }
            group.insert(alert);
        }
    }

    /** Drops a group that has nothing left (called by the group after a flush). */
    synchronized boolean removeIfEmpty(AggregationGroup group) {
        GroupId id = new GroupId(group.route(), group.key());
        if (group.isEmpty() && groups.get(id) == group) {
            groups.remove(id);
            group.stop();
            return true;
        }
        return false;
    }

    /** Flushes again at once every group routed to {@code receiver} whose last flush failed (its notifier plugin arrived). */
    public synchronized void retryFailed(String receiver) {
        for (AggregationGroup group : groups.values()) {
            if (group.route().config().receiver().equals(receiver)) {
                group.retryIfFailed();
            }
        }
    }

    public synchronized int groupCount() {
        return groups.size();
    }

    /** The groups and their alerts now, for {@code /api/v2/alerts/groups}. */
    public synchronized List<AggregationGroup> groups() {
        return new ArrayList<>(groups.values());
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (AggregationGroup g : groups.values()) {
            g.stop();
        }
        groups.clear();
    }

    /**
     * {@code {a="b", c="d"}}, as
     * Go's {@code model.LabelSet.String()} prints it: names sorted by their UTF-8 bytes (code points) and
     * written as they are, UTF-8 ones too; values as {@code strconv.Quote} writes them.
     */
    static String format(Labels labels) {
        Integer[] order = new Integer[labels.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Runes.compare(labels.name(x), labels.name(y)));
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < order.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(labels.name(order[i])).append('=').append(GoStrings.quote(labels.value(order[i])));
        }
        return sb.append('}').toString();
    }
}
