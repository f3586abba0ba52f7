package io.promethium.alertmanager.eventrecorder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.alertmanager.config.EventRecorderConfig;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Alertmanager 0.34's event recorder: structured events of the alerting pipeline (alerts created,
 * grouped and resolved, notifications delivered, silences created, updated and muting, inhibitions
 * muting, startup and shutdown) written as JSON (a Kafka output: JSON or protobuf) to every configured output.
 *
 * <p>{@link #record} never blocks the caller: the event is built only when outputs exist, put on
 * a bounded queue (8192; when full the event is dropped and counted in
 * {@code alertmanager_events_dropped_total}), serialized and sent by one writer thread. A webhook
 * output queues on its own, so a slow receiver cannot hold the writer either.
 *
 * <p>{@link #apply} swaps the outputs on reload; an equal config keeps them. When an output of a
 * new config cannot be built (a file that cannot be opened), the previous outputs stay, as 0.34.
 */
public final class EventRecorder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
    static final int QUEUE_SIZE = 8192;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Request(ObjectNode data, String kind, Instant at) {
    }

    /** Queued by {@link #close}: the writer stops when it reaches it. */
    private static final Request CLOSE = new Request(null, "", Instant.EPOCH);

    private final String instance;
    private final HttpClientFactory httpClients;
    private final Clock clock;
    private final PrintStream stdout;
    private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_SIZE);
    private final Object outputsLock = new Object();
    private final Thread writer;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong handled = new java.util.concurrent.atomic.AtomicLong();
    /** Written under {@link #outputsLock}; read unlocked by {@link #record} only to skip building events nobody takes. */
    private volatile List<Destination> outputs = List.of();
    private EventRecorderConfig current = EventRecorderConfig.NONE;
    private boolean applied;

    private final Map<List<String>, LongAdder> recorded = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> bytes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> serializeErrors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> outputDrops = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> kafkaProduceErrors = new ConcurrentHashMap<>();

    /**
     * @param instance the {@code instance} of every event (0.34: the host name)
     * @param httpClients builds the webhook outputs' clients from their {@code http_config}
     * @param stdout where {@code stdout_outputs} write
     */
    public EventRecorder(String instance, HttpClientFactory httpClients, Clock clock, PrintStream stdout) {
        this.instance = instance == null ? "" : instance;
        this.httpClients = Objects.requireNonNull(httpClients, "httpClients is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.stdout = Objects.requireNonNull(stdout, "stdout is null");
        this.writer = Thread.ofPlatform().daemon().name("alertmanager-eventrecorder").start(this::writeLoop);
    }

    /**
     * Records an event: {@code build} (the event's {@code data}, from {@link Events}) runs on the
     * calling thread only when there are outputs; serialization and delivery happen on the writer.
     */
    public void record(Supplier<ObjectNode> build) {
        if (outputs.isEmpty() || closing) {
            return;
        }
        ObjectNode data;
        try {
            data = build.get();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "building an event failed", e);
            return;
        }
        String kind = Events.kind(data);
        accepted.incrementAndGet();
        if (!queue.offer(new Request(data, kind, clock.instant()))) {
            accepted.decrementAndGet();
            dropped.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    /** Whether any output is configured (callers skip work that only events need). */
    public boolean enabled() {
        return !outputs.isEmpty();
    }

    /**
     * Applies a config: outputs are rebuilt only when it differs from the one in force. An output
     * that cannot be built is logged; at the first config the others run (0.34's start), at a
     * later one the outputs in force stay (0.34's reload keeps the known-good set).
     */
    public void apply(EventRecorderConfig config) {
        Objects.requireNonNull(config, "config is null");
        synchronized (outputsLock) {
            if (closing || applied && config.equals(current)) {
                return;
            }
            List<Destination> built = build(config);
            if (applied && built.size() != config.totalOutputs()) {
                LOG.severe("Failed to reload event recorder outputs; keeping existing outputs");
                built.forEach(EventRecorder::closeQuietly);
                return;
            }
            List<Destination> old = outputs;
            outputs = List.copyOf(built);
            current = config;
            applied = true;
            old.forEach(EventRecorder::closeQuietly);
            LOG.info("Event recorder configuration reloaded, outputs=" + built.size());
        }
    }

    /** The outputs of a config, but those that cannot be built (logged). */
    private List<Destination> build(EventRecorderConfig config) {
        List<Destination> built = new ArrayList<>();
        for (EventRecorderConfig.FileOutput f : config.fileOutputs()) {
            try {
                built.add(new FileOutput(f.path()));
            } catch (IOException e) {
                LOG.severe("Failed to create file event recorder output " + f.path() + ": " + e.getMessage());
            }
        }
        for (int i = 0; i < config.webhookOutputs().size(); i++) {
            EventRecorderConfig.WebhookOutput w = config.webhookOutputs().get(i);
            PluginConfig http = w.httpConfig() != null ? w.httpConfig()
                    : new PluginConfig("event_recorder.webhook_outputs[" + i + "].http_config", Map.of(), "");
            String name = "webhook:" + EventRecorderConfig.sanitized(w.url());
            try {
                built.add(new WebhookOutput(w, httpClients.create(http, w.configDirectory()),
                        outputDrops.computeIfAbsent(name, k -> new LongAdder())));
            } catch (ConfigException | RuntimeException e) {
                LOG.severe("Failed to create webhook event recorder output " + name + ": " + e.getMessage());
            }
        }
        for (EventRecorderConfig.KafkaOutput k : config.kafkaOutputs()) {
            String name = k.name();
            try {
                // Connects in the background: an unreachable broker fails no reload, its records wait.
                built.add(new KafkaOutput(k, instance, httpClients, outputDrops.computeIfAbsent(name, n -> new LongAdder()),
                        type -> kafkaProduceErrors.computeIfAbsent(List.of(name, type), n -> new LongAdder())));
            } catch (RuntimeException e) {
                LOG.severe("Failed to create kafka event recorder output " + name + ": " + e.getMessage());
            }
        }
        for (int i = 0; i < config.stdoutOutputs(); i++) {
            built.add(new StdoutOutput(stdout));
        }
        return built;
    }

    /**
     * Sends queued events until the close marker. Not stopped by an interrupt: a file output's
     * channel would be closed by one.
     */
    private void writeLoop() {
        while (true) {
            Request r;
            try {
                r = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            if (r == CLOSE) {
                return;
            }
            handle(r);
        }
    }

    private void handle(Request r) {
        try {
            send(r);
        } finally {
            handled.incrementAndGet();
        }
    }

    private void send(Request r) {
        byte[] json;
        try {
            ObjectNode event = JSON.createObjectNode();
            event.put("@timestamp", Events.timestamp(r.at()));
            if (!instance.isEmpty()) {
                event.put("instance", instance);
            }
            event.set("data", r.data());
            json = JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException | RuntimeException e) {
            serializeErrors.computeIfAbsent(r.kind(), k -> new LongAdder()).increment();
            LOG.log(Level.SEVERE, "Failed to serialize event " + r.kind(), e);
            return;
        }
        synchronized (outputsLock) {
            for (Destination out : outputs) {
                String name = out.name();
                try {
                    int n = out.send(json);
                    recorded.computeIfAbsent(List.of(r.kind(), name, "success"), k -> new LongAdder()).increment();
                    bytes.computeIfAbsent(List.of(r.kind(), name), k -> new LongAdder()).add(n);
                } catch (IOException | RuntimeException e) {
                    recorded.computeIfAbsent(List.of(r.kind(), name, "error"), k -> new LongAdder()).increment();
                    LOG.severe("Failed to write event " + r.kind() + " to " + name + ": " + e.getMessage());
                }
            }
        }
    }

    /** Waits until every event queued so far has been handed to the outputs (tests); false on timeout. */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long target = accepted.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (handled.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    /** 0.34's metrics ({@code eventrecorder/metrics.go}) and the queue's length. */
    public void collect(MetricWriter w) {
        w.family("alertmanager_events_recorded_total", MetricType.COUNTER, "The total number of events recorded by the event recorder.", "");
        recorded.forEach((k, v) -> w.sample("alertmanager_events_recorded_total",
                Labels.of("event_type", k.get(0), "output", k.get(1), "result", k.get(2)), v.sum()));
        w.family("alertmanager_event_recorder_bytes_written_total", MetricType.COUNTER,
                "The total number of bytes written to the event recorder.", "");
        bytes.forEach((k, v) -> w.sample("alertmanager_event_recorder_bytes_written_total",
                Labels.of("event_type", k.get(0), "output", k.get(1)), v.sum()));
        w.family("alertmanager_events_dropped_total", MetricType.COUNTER, "The total number of events dropped due to a full queue.", "");
        dropped.forEach((k, v) -> w.sample("alertmanager_events_dropped_total", Labels.of("event_type", k), v.sum()));
        w.family("alertmanager_event_serialize_errors_total", MetricType.COUNTER, "The total number of events that failed to serialize.", "");
        serializeErrors.forEach((k, v) -> w.sample("alertmanager_event_serialize_errors_total", Labels.of("event_type", k), v.sum()));
        w.family("alertmanager_event_output_drops_total", MetricType.COUNTER,
                "The total number of events dropped by an output due to a full local buffer.", "");
        outputDrops.forEach((k, v) -> w.sample("alertmanager_event_output_drops_total", Labels.of("output", k), v.sum()));
        w.family("alertmanager_event_kafka_produce_errors_total", MetricType.COUNTER,
                "The total number of Kafka produce attempts that failed.", "");
        kafkaProduceErrors.forEach((k, v) -> w.sample("alertmanager_event_kafka_produce_errors_total",
                Labels.of("output", k.get(0), "error_type", k.get(1)), v.sum()));
        w.family("alertmanager_event_recorder_queue_length", MetricType.GAUGE,
                "Current number of events waiting in the event recorder write queue.", "");
        w.sample("alertmanager_event_recorder_queue_length", queue.size());
    }

    /** Sends what is queued, then closes the outputs (a webhook output sends its queue, giving up retries after 30s). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        try {
            // After the events queued before it; waits for room if the queue is full.
            queue.put(CLOSE);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (outputsLock) {
            outputs.forEach(EventRecorder::closeQuietly);
            outputs = List.of();
        }
    }

    private static void closeQuietly(Destination d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Failed to close event recorder output " + d.name(), e);
        }
    }
}
