package io.promethium.alertmanager.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What was last notified, per aggregation group and integration: when, and which alerts
 * (fingerprints) were firing and resolved. Deduplication reads it; it is persisted after every
 * entry so a restart re-sends nothing already sent. Entries expire after the retention.
 */
public final class NotificationLog {

    private static final Logger LOG = Logger.getLogger(NotificationLog.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry; {@code data} is what the integration kept about the group (Alertmanager's receiver data). */
    public record Entry(Instant timestamp, Set<Long> firing, Set<Long> resolved, Instant expiresAt, Map<String, String> data) {
        public Entry {
            firing = Set.copyOf(firing);
            resolved = Set.copyOf(resolved);
            data = data == null ? Map.of() : Map.copyOf(data);
        }

        public Entry(Instant timestamp, Set<Long> firing, Set<Long> resolved, Instant expiresAt) {
            this(timestamp, firing, resolved, expiresAt, Map.of());
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Path file;
    private final Duration retention;
    private boolean closed;
    /** The file is older than the entries (its last write failed): the next gc writes it again. */
    private boolean dirty;
    private final java.util.concurrent.atomic.AtomicLong writeFailures = new java.util.concurrent.atomic.AtomicLong();
    private volatile String heldReceiver;

    public NotificationLog(Path file, Duration retention) {
        this.file = file;
        this.retention = retention;
        load();
    }

    /** The key of a group and integration: {@code groupKey:receiver/integration/index}. */
    public static String key(String groupKey, String receiver, String integration, int index) {
        return groupKey + ":" + receiver + "/" + integration + "/" + index;
    }

    public Entry get(String key) {
        return entries.get(key);
    }

    /** Logs a notification, keeping the integration's data of the previous entry. */
    public synchronized void log(String key, Set<Long> firing, Set<Long> resolved, Instant now) {
        Entry previous = entries.get(key);
        record(key, firing, resolved, now, previous == null ? Map.of() : previous.data());
    }

    /** Logs a notification with what the integration keeps about the group. */
    public void log(String key, Set<Long> firing, Set<Long> resolved, Instant now, Map<String, String> data) {
        String held = heldReceiver;
        boolean interrupted = held != null && key.contains(":" + held + "/") && faultPause(key);
        record(key, firing, resolved, now, data);
        if (interrupted) {
            // Set again only after the write: an interrupted thread's file channel would refuse it.
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void record(String key, Set<Long> firing, Set<Long> resolved, Instant now, Map<String, String> data) {
        entries.put(key, new Entry(now, firing, resolved, now.plus(retention), data));
        persist();
    }

    /**
     * Fault testing only ({@code --alertmanager.fault.pause-before-log}): from now on, the entry of
     * each notification a receiver of this name accepted is held for minutes before it is logged,
     * with a warning, so a test can kill the server between the receiver's answer and the write.
     */
    public void holdEntriesOf(String receiver) {
        heldReceiver = receiver;
    }

    /** @return whether the pause was interrupted */
    private static boolean faultPause(String key) {
        LOG.warning("fault pause (--alertmanager.fault.pause-before-log): the notification of " + key
                + " was accepted; holding its notification log entry for 10 minutes");
        try {
            Thread.sleep(Duration.ofMinutes(10));
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    /** Stops writing the snapshot (a late flush of a stopped dispatcher must not touch the file of the next one). */
    public synchronized void close() {
        closed = true;
    }

    public synchronized void gc(Instant now) {
        if (entries.values().removeIf(e -> e.expiresAt().isBefore(now)) || dirty) {
            persist();
        }
    }

    public int size() {
        return entries.size();
    }

    /** How many snapshot writes failed (Alertmanager's {@code alertmanager_nflog_maintenance_errors_total}). */
    public long writeFailures() {
        return writeFailures.get();
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            for (JsonNode n : root.path("entries")) {
                Map<String, String> data = new java.util.HashMap<>();
                n.path("data").fields().forEachRemaining(d -> data.put(d.getKey(), d.getValue().asText()));
                entries.put(n.path("key").asText(), new Entry(Instant.parse(n.path("timestamp").asText()),
                        longs(n.path("firing")), longs(n.path("resolved")), Instant.parse(n.path("expiresAt").asText()), data));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot read the notification log " + file + ", starting empty: " + e.getMessage(), e);
        }
    }

    private static Set<Long> longs(JsonNode array) {
        Set<Long> out = new HashSet<>();
        for (JsonNode v : array) {
            out.add(Long.parseUnsignedLong(v.asText(), 16));
        }
        return out;
    }

    private void persist() {
        if (file == null || closed) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("entries");
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            ObjectNode n = list.addObject();
            n.put("key", e.getKey());
            n.put("timestamp", e.getValue().timestamp().toString());
            ArrayNode f = n.putArray("firing");
            e.getValue().firing().forEach(v -> f.add(Long.toHexString(v)));
            ArrayNode r = n.putArray("resolved");
            e.getValue().resolved().forEach(v -> r.add(Long.toHexString(v)));
            n.put("expiresAt", e.getValue().expiresAt().toString());
            if (!e.getValue().data().isEmpty()) {
                ObjectNode d = n.putObject("data");
                new java.util.TreeMap<>(e.getValue().data()).forEach(d::put);
            }
        }
        dirty = !Snapshots.write(file, root);
        if (dirty) {
            writeFailures.incrementAndGet();
        }
    }
}
