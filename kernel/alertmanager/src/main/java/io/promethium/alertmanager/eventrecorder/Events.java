package io.promethium.alertmanager.eventrecorder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.alertmanager.config.LabelMatchers;
import io.promethium.alertmanager.store.Silence;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.notify.Alert;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The payloads of Alertmanager 0.34's event recorder ({@code eventrecorder/events.go},
 * {@code notify/event.go}) as the JSON that protobuf's JSON mapping gives its
 * {@code eventrecorder.proto}: lowerCamelCase names, 64-bit integers as strings, enums by name,
 * timestamps in RFC 3339 (UTC, 0/3/6/9 fractional digits), durations as {@code "1.5s"}, and
 * fields with their zero value left out. Written with Jackson's tree rather than generated
 * protobuf classes: only the JSON shape goes out (no output sends protobuf's binary form).
 */
public final class Events {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Go's zero time, which Alertmanager gives a firing alert's end in the notification pipeline. */
    static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private Events() {
    }

    /** The {@code data} of a startup event. */
    public static ObjectNode startup(String version, String buildContext) {
        ObjectNode e = F.objectNode();
        putString(e, "version", version);
        putString(e, "buildContext", buildContext);
        return wrap("alertmanagerStartupEvent", e);
    }

    public static ObjectNode shutdown() {
        return wrap("alertmanagerShutdownEvent", F.objectNode());
    }

    /** A new alert was put into the alert store. */
    public static ObjectNode alertCreated(Alert alert, Instant now) {
        ObjectNode e = F.objectNode();
        e.set("alert", alert(alert, now));
        return wrap("alertCreated", e);
    }

    /** An alert was put into an aggregation group for the first time. */
    public static ObjectNode alertGrouped(GroupInfo group, Alert alert, Instant now) {
        ObjectNode e = F.objectNode();
        e.set("alert", groupedAlert(alert, now));
        e.set("groupInfo", group.json());
        return wrap("alertGrouped", e);
    }

    /** A resolved alert left its group after a successful notification. */
    public static ObjectNode alertResolved(GroupInfo group, Alert alert, Instant now) {
        ObjectNode e = F.objectNode();
        e.set("alert", groupedAlert(alert, now));
        e.set("groupInfo", group.json());
        return wrap("alertResolved", e);
    }

    /**
     * A notification was delivered by one integration.
     *
     * @param alerts the alerts sent, as the pipeline holds them (a firing alert without an end)
     * @param firing the hashes ({@link #hash}) of the firing alerts of the flush
     * @param resolved the hashes of its resolved alerts
     * @param muted the hashes of the alerts muted in this flush
     * @param reason Alertmanager's reason name ({@code FIRST_NOTIFICATION}, ...), or null
     */
    public static ObjectNode notification(GroupInfo group, List<Alert> alerts, Collection<Long> firing, Collection<Long> resolved,
                                          Collection<Long> muted, Duration repeatInterval, String reason, long flushId,
                                          String integration, int index, Instant now) {
        ObjectNode e = F.objectNode();
        ArrayNode all = F.arrayNode();
        for (Alert a : alerts) {
            all.add(groupedAlert(a, now));
        }
        putArray(e, "alerts", all);
        putArray(e, "firingAlerts", hashes(firing));
        putArray(e, "resolvedAlerts", hashes(resolved));
        putArray(e, "mutedAlerts", hashes(muted));
        e.set("groupInfo", group.json());
        e.put("repeatInterval", duration(repeatInterval));
        if (reason != null) {
            e.put("reason", "NOTIFY_REASON_" + reason);
        }
        putUint64(e, "flushId", flushId);
        ObjectNode i = F.objectNode();
        putString(i, "name", integration);
        if (index != 0) {
            i.put("index", Long.toString(index));
        }
        e.set("integration", i);
        return wrap("notification", e);
    }

    public static ObjectNode silenceCreated(Silence s) {
        ObjectNode e = F.objectNode();
        e.set("silence", silence(s));
        return wrap("silenceCreated", e);
    }

    public static ObjectNode silenceUpdated(Silence s) {
        ObjectNode e = F.objectNode();
        e.set("silence", silence(s));
        return wrap("silenceUpdated", e);
    }

    /** A silence muted an alert in a flush of the notification pipeline. */
    public static ObjectNode silenceMutedAlert(Silence s, long fingerprint, Labels labels) {
        ObjectNode e = F.objectNode();
        e.set("silence", silence(s));
        e.set("mutedAlert", mutedAlert(fingerprint, labels));
        return wrap("silenceMutedAlert", e);
    }

    /**
     * Inhibition rules muted an alert in a flush of the notification pipeline.
     *
     * @param rules each rule as {@link #inhibitRule}
     */
    public static ObjectNode inhibitionMutedAlert(List<ObjectNode> rules, long fingerprint, Labels labels, List<Long> inhibiting) {
        ObjectNode e = F.objectNode();
        ArrayNode r = F.arrayNode();
        rules.forEach(r::add);
        putArray(e, "inhibitRules", r);
        e.set("mutedAlert", mutedAlert(fingerprint, labels));
        ArrayNode fps = F.arrayNode();
        for (long fp : inhibiting) {
            fps.add(Long.toUnsignedString(fp));
        }
        putArray(e, "inhibitingFingerprints", fps);
        return wrap("inhibitionMutedAlert", e);
    }

    /** One inhibition rule, its {@code equal} labels sorted. */
    public static ObjectNode inhibitRule(String name, List<Matcher> source, List<Matcher> target, List<String> equal) {
        ObjectNode r = F.objectNode();
        putArray(r, "sourceMatchers", matchers(source));
        putArray(r, "targetMatchers", matchers(target));
        ArrayNode eq = F.arrayNode();
        equal.stream().sorted().forEach(eq::add);
        putArray(r, "equalLabels", eq);
        putString(r, "name", name);
        return r;
    }

    /**
     * The group an event is about.
     *
     * @param matchers the route's matchers (only in notification events, as 0.34), or null
     * @param uuid the group's own id (only in notification events), or null
     */
    public record GroupInfo(String groupKey, Labels groupLabels, String receiver, List<Matcher> matchers, String uuid) {
        public ObjectNode json() {
            ObjectNode g = F.objectNode();
            putString(g, "groupKey", groupKey);
            g.set("groupLabels", labelSet(groupLabels));
            putString(g, "groupId", groupId(groupKey));
            putString(g, "receiverName", receiver);
            if (matchers != null) {
                putArray(g, "matchers", Events.matchers(matchers));
            }
            putString(g, "groupUuid", uuid);
            return g;
        }
    }

    /** Alertmanager's group id: the SHA-256 of the group key, in hex ({@code notify.Key.Hash}). */
    public static String groupId(String groupKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(groupKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * lz4-java's pure-Java XXH64 (no JNI, no sun.misc.Unsafe, which JDK 24+ warns about); as fast
     * as the Unsafe one is not needed here: ~100 ns for a 120-byte label set.
     */
    private static final net.jpountz.xxhash.XXHash64 XXH64 = net.jpountz.xxhash.XXHashFactory.safeInstance().hash64();

    /** XXH64 with seed 0 of the first {@code len} bytes, as Go's {@code xxhash.Sum64}. */
    static long xxHash64(byte[] b, int len) {
        return XXH64.hash(b, 0, len, 0);
    }

    /** Alertmanager's {@code hashAlert}: xxHash64 (seed 0) of the sorted label names and values, each followed by 0xff. */
    public static long hash(Labels labels) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
        for (int i = 0; i < labels.size(); i++) {
            out.writeBytes(labels.name(i).getBytes(StandardCharsets.UTF_8));
            out.write(0xff);
            out.writeBytes(labels.value(i).getBytes(StandardCharsets.UTF_8));
            out.write(0xff);
        }
        return xxHash64(out.toByteArray(), out.size());
    }

    static ObjectNode alert(Alert a, Instant now) {
        ObjectNode o = F.objectNode();
        putUint64(o, "fingerprint", Alert.fingerprint(a.labels()));
        putString(o, "name", a.labels().get("alertname"));
        o.set("labels", labelSet(a.labels()));
        o.set("annotations", labelSet(a.annotations()));
        o.put("startsAt", timestamp(a.startsAt() == null ? GO_ZERO_TIME : a.startsAt()));
        o.put("endsAt", timestamp(a.endsAt() == null ? GO_ZERO_TIME : a.endsAt()));
        if (a.endsAt() != null && a.resolvedAt(now)) {
            o.put("resolved", true);
        }
        return o;
    }

    private static ObjectNode groupedAlert(Alert a, Instant now) {
        ObjectNode g = F.objectNode();
        putUint64(g, "hash", hash(a.labels()));
        g.set("details", alert(a, now));
        return g;
    }

    private static ArrayNode hashes(Collection<Long> hashes) {
        ArrayNode out = F.arrayNode();
        for (long h : hashes) {
            ObjectNode g = F.objectNode();
            putUint64(g, "hash", h);
            out.add(g);
        }
        return out;
    }

    private static ObjectNode mutedAlert(long fingerprint, Labels labels) {
        ObjectNode m = F.objectNode();
        m.set("labels", labelSet(labels));
        putUint64(m, "fingerprint", fingerprint);
        return m;
    }

    static ObjectNode silence(Silence s) {
        ObjectNode o = F.objectNode();
        putString(o, "id", s.id());
        ArrayNode ms = matchers(s.matchers());
        putArray(o, "matchers", ms);
        o.put("startsAt", timestamp(s.startsAt()));
        o.put("endsAt", timestamp(s.endsAt()));
        o.put("updatedAt", timestamp(s.updatedAt()));
        putString(o, "createdBy", s.createdBy());
        putString(o, "comment", s.comment());
        // One matcher set: the silence's matchers (0.34 fills both, matchers being the first set).
        ArrayNode sets = F.arrayNode();
        ObjectNode set = F.objectNode();
        putArray(set, "matchers", ms.deepCopy());
        sets.add(set);
        o.set("matcherSets", sets);
        return o;
    }

    static ArrayNode matchers(List<Matcher> matchers) {
        ArrayNode out = F.arrayNode();
        for (Matcher m : matchers) {
            ObjectNode o = F.objectNode();
            o.put("type", switch (m.type()) {
                case EQUAL -> "TYPE_EQUAL";
                case REGEX -> "TYPE_REGEXP";
                case NOT_EQUAL -> "TYPE_NOT_EQUAL";
                case NOT_REGEX -> "TYPE_NOT_REGEXP";
            });
            putString(o, "name", m.name());
            putString(o, "pattern", m.value());
            putString(o, "rendered", LabelMatchers.format(m));
            out.add(o);
        }
        return out;
    }

    /** A LabelSet message: always present (an empty set is {@code {}}), its pairs sorted by name. */
    static ObjectNode labelSet(Labels labels) {
        ObjectNode o = F.objectNode();
        if (labels == null || labels.isEmpty()) {
            return o;
        }
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        labels.forEach(sorted::put);
        ArrayNode pairs = F.arrayNode();
        sorted.forEach((k, v) -> {
            ObjectNode p = F.objectNode();
            putString(p, "key", k);
            putString(p, "value", v);
            pairs.add(p);
        });
        o.set("labels", pairs);
        return o;
    }

    /** protojson's Timestamp: RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits. */
    static String timestamp(Instant t) {
        int nanos = t.getNano();
        String base = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.atOffset(java.time.ZoneOffset.UTC).toLocalDateTime().withNano(0));
        return base + fraction(nanos) + "Z";
    }

    /** protojson's Duration: seconds with 0, 3, 6 or 9 fractional digits and an {@code s}. */
    static String duration(Duration d) {
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (seconds < 0 && nanos > 0) {
            seconds++;
            nanos = 1_000_000_000 - nanos;
            return (seconds == 0 ? "-0" : Long.toString(seconds)) + fraction(nanos) + "s";
        }
        return seconds + fraction(nanos) + "s";
    }

    private static String fraction(int nanos) {
        if (nanos == 0) {
            return "";
        }
        if (nanos % 1_000_000 == 0) {
            return String.format(".%03d", nanos / 1_000_000);
        }
        if (nanos % 1_000 == 0) {
            return String.format(".%06d", nanos / 1_000);
        }
        return String.format(".%09d", nanos);
    }

    private static ObjectNode wrap(String kind, ObjectNode event) {
        ObjectNode data = F.objectNode();
        data.set(kind, event);
        return data;
    }

    private static void putString(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }

    private static void putUint64(ObjectNode o, String name, long value) {
        if (value != 0) {
            o.put(name, Long.toUnsignedString(value));
        }
    }

    private static void putArray(ObjectNode o, String name, ArrayNode a) {
        if (!a.isEmpty()) {
            o.set(name, a);
        }
    }

    /** The event kind of a {@code data} node, as 0.34's metrics label it ({@code alert_created}, ...). */
    static String kind(ObjectNode data) {
        if (data == null || data.isEmpty()) {
            return "unknown";
        }
        String camel = data.fieldNames().next();
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
