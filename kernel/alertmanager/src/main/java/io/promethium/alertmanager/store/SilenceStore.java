package io.promethium.alertmanager.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.alertmanager.config.LabelMatchers;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The silences, persisted as one JSON snapshot file written (to a temporary file, then renamed)
 * after every change, so they survive a restart and a kill. Expired silences are kept for the
 * retention, then dropped. Thread-safe.
 */
public final class SilenceStore {

    private static final Logger LOG = Logger.getLogger(SilenceStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Silence> silences = new ConcurrentHashMap<>();
    private final Path file;
    private final Duration retention;
    /** The file is older than the silences (its last write failed): the next gc writes it again. */
    private boolean dirty;
    private final java.util.concurrent.atomic.AtomicLong writeFailures = new java.util.concurrent.atomic.AtomicLong();

    /** @param file the snapshot, or null to keep silences in memory only */
    public SilenceStore(Path file, Duration retention) {
        this.file = file;
        this.retention = retention;
        load();
    }

    /**
     * Creates a silence or updates one: an update of an active silence that changes its matchers
     * or start expires it and creates a new one, as Alertmanager does.
     *
     * @return the id of the stored silence
     */
    private final List<java.util.function.BiConsumer<Silence, Boolean>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Tells {@code listener} of each silence created ({@code true}) or updated in place ({@code false}), as it is stored. */
    public void subscribe(java.util.function.BiConsumer<Silence, Boolean> listener) {
        listeners.add(listener);
    }

    private void tell(String id, boolean created) {
        Silence stored = silences.get(id);
        for (var l : listeners) {
            l.accept(stored, created);
        }
    }

    public synchronized String upsert(Silence s, Instant now) {
        if (!s.id().isEmpty()) {
            Silence old = silences.get(s.id());
            if (old == null) {
                throw new IllegalArgumentException("silence " + s.id() + " not found");
            }
            boolean changeable = old.state(now).equals("pending")
                    || old.state(now).equals("active") && old.matchers().equals(s.matchers()) && old.startsAt().equals(s.startsAt());
            if (changeable && !old.state(now).equals("expired")) {
                Silence updated = new Silence(s.id(), s.matchers(), s.startsAt(), s.endsAt(), now, s.createdBy(), s.comment());
                silences.put(s.id(), updated);
                persist();
                // 0.34 records an update whenever it stores one (its updated_at always changes).
                tell(s.id(), false);
                return s.id();
            }
            if (old.state(now).equals("active")) {
                silences.put(old.id(), new Silence(old.id(), old.matchers(), old.startsAt(), now, now, old.createdBy(), old.comment()));
            }
        }
        String id = UUID.randomUUID().toString();
        Instant start = s.startsAt().isBefore(now) ? now : s.startsAt();
        silences.put(id, new Silence(id, s.matchers(), start, s.endsAt(), now, s.createdBy(), s.comment()));
        persist();
        tell(id, true);
        return id;
    }

    /** Expires a silence; false when unknown or already expired. */
    public synchronized boolean expire(String id, Instant now) {
        Silence s = silences.get(id);
        if (s == null || s.state(now).equals("expired")) {
            return false;
        }
        Instant start = s.state(now).equals("pending") ? now : s.startsAt();
        silences.put(id, new Silence(id, s.matchers(), start, now, now, s.createdBy(), s.comment()));
        persist();
        return true;
    }

    public Silence get(String id) {
        return silences.get(id);
    }

    public List<Silence> list() {
        List<Silence> out = new ArrayList<>(silences.values());
        out.sort(Comparator.comparing(Silence::id));
        return out;
    }

    /** Ids of the active silences that match the labels. */
    public List<String> mutes(Labels labels, Instant now) {
        List<String> ids = new ArrayList<>();
        for (Silence s : silences.values()) {
            if (s.state(now).equals("active") && LabelMatchers.matches(s.matchers(), labels)) {
                ids.add(s.id());
            }
        }
        ids.sort(null);
        return ids;
    }

    /** Drops silences that ended more than the retention ago. */
    public synchronized void gc(Instant now) {
        if (silences.values().removeIf(s -> s.endsAt().plus(retention).isBefore(now)) || dirty) {
            persist();
        }
    }

    /** How many snapshot writes failed (Alertmanager's {@code alertmanager_silences_maintenance_errors_total}). */
    public long writeFailures() {
        return writeFailures.get();
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            for (JsonNode n : root.path("silences")) {
                List<Matcher> matchers = new ArrayList<>();
                for (JsonNode m : n.path("matchers")) {
                    matchers.add(Matcher.of(MatchType.valueOf(m.path("type").asText()), m.path("name").asText(), m.path("value").asText()));
                }
                Silence s = new Silence(n.path("id").asText(), matchers, Instant.parse(n.path("startsAt").asText()),
                        Instant.parse(n.path("endsAt").asText()), Instant.parse(n.path("updatedAt").asText()),
                        n.path("createdBy").asText(), n.path("comment").asText());
                silences.put(s.id(), s);
            }
        } catch (IOException | RuntimeException e) {
            // A damaged snapshot must not stop the server; the silences in it are lost and the loss is logged.
            LOG.log(Level.SEVERE, "cannot read silences from " + file + ", starting without them: " + e.getMessage(), e);
        }
    }

    private void persist() {
        if (file == null) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("silences");
        for (Silence s : list()) {
            ObjectNode n = list.addObject();
            n.put("id", s.id());
            ArrayNode ms = n.putArray("matchers");
            for (Matcher m : s.matchers()) {
                ms.addObject().put("type", m.type().name()).put("name", m.name()).put("value", m.value());
            }
            n.put("startsAt", s.startsAt().toString());
            n.put("endsAt", s.endsAt().toString());
            n.put("updatedAt", s.updatedAt().toString());
            n.put("createdBy", s.createdBy());
            n.put("comment", s.comment());
        }
        dirty = !Snapshots.write(file, root);
        if (dirty) {
            writeFailures.incrementAndGet();
        }
    }
}
