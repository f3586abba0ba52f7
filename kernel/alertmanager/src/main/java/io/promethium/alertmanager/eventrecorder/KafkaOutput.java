package io.promethium.alertmanager.eventrecorder;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.promethium.alertmanager.config.EventRecorderConfig;
import io.promethium.alertmanager.eventrecorder.pb.Event;
import io.promethium.api.http.HttpClientFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Produces each event as one record to a Kafka topic, as 0.34's {@code kafka_outputs}: the value
 * is the event's JSON or, with {@code format: protobuf}, the binary {@code eventrecorderpb.Event};
 * the key is the instance name, so one Alertmanager's events land in one partition, in order
 * (Kafka's default partitioner hashes the key with murmur2, as franz-go's does).
 *
 * <p>Buffers as 0.34 does while no broker can be reached, and never blocks a thread of the
 * Alertmanager: events wait in a local queue of {@code buffer_size} (0.34's channel in front of its
 * producer; a full one drops the event), from which one thread hands them to the producer. At
 * most {@value #MAX_BUFFERED_RECORDS} records are held beyond that queue (franz-go's
 * {@code MaxBufferedRecords}, which 0.34 leaves at its default): a record past that is dropped.
 * Both drops are counted in {@code alertmanager_event_output_drops_total{output}} and logged with
 * 0.34's messages. Held records wait for a broker without a time limit and are delivered in order
 * once one answers; a record the producer fails in the end (a non-retriable error) is counted in
 * {@code alertmanager_event_kafka_produce_errors_total{error_type}}.
 *
 * <p>Kafka's Java producer cannot take a record before it knows the topic's partitions (franz-go
 * can), so the records it refuses for that reason stay in this output's own deque, in order, and
 * are offered again every {@value #RETRY_MILLIS} ms; once the partitions are known the producer
 * holds them itself (its accumulator, bounded in bytes by {@code buffer.memory}; a record it has no
 * room for waits in the deque likewise).
 *
 * <p>Closing hands what is queued to the producer and flushes it within 30 s (0.34's flush budget);
 * records still waiting for the topic's partitions wait at most {@value #METADATA_WAIT_MILLIS} ms
 * from when the output started asking (0.34 waits the whole budget for them). What is left then is
 * dropped and counted as produce errors {@code unknown}, as 0.34 counts the records its client
 * fails when it is closed.
 */
final class KafkaOutput implements Destination {

    private static final Logger LOG = Logger.getLogger(KafkaOutput.class.getName());
    /**
     * kafka-clients' own logs (through SLF4J to java.util.logging): at INFO each producer prints
     * its ~120 settings; WARNING unless the operator's logging config set a level for it.
     */
    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");
    static final Duration FLUSH_BUDGET = Duration.ofSeconds(30);
    /** franz-go's default {@code MaxBufferedRecords}: records handed to the client and not yet delivered or failed. */
    static final int MAX_BUFFERED_RECORDS = 10_000;
    /** How often records the producer refused (no partitions known, no memory) are offered again. */
    static final long RETRY_MILLIS = 100;
    /**
     * At close, how long records may have waited for the topic's partitions before they are given
     * up: a broker that answers at all gives them within a few round trips; one that does not
     * would hold shutdown and reload for the whole flush budget.
     */
    static final long METADATA_WAIT_MILLIS = 2_000;
    /** As 0.34's background ping: a warning when the brokers have not answered within 5 s. */
    private static final long UNREACHABLE_WARNING_MILLIS = 5_000;
    private static final long POLL_MILLIS = 50;
    /** Thread-safe; strict: a field the proto does not have is an error, not silently lost. */
    private static final JsonFormat.Parser PROTO_JSON = JsonFormat.parser();

    private final String name;
    private final String topic;
    private final byte[] key;
    private final EventRecorderConfig.KafkaFormat format;
    private final LongAdder drops;
    private final Function<String, LongAdder> produceErrors;
    private final KafkaProducer<byte[], byte[]> producer;
    private final BlockingQueue<byte[]> work;
    /** Records taken from {@link #work} that the producer has not accepted yet; the dispatcher's own. */
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    /** Records the producer accepted and has not completed (delivered or failed) yet. */
    private final AtomicInteger inProducer = new AtomicInteger();
    private final Thread dispatcher;
    private volatile boolean closing;
    private boolean closed;

    /**
     * @param instance the record key (0.34: the instance name of the events)
     * @param httpClients builds the TLS of {@code tls_config} for each broker connection
     * @param produceErrors the counter of failed records by error type ({@code timeout}, {@code network}, {@code broker}, {@code unknown})
     */
    KafkaOutput(EventRecorderConfig.KafkaOutput config, String instance, HttpClientFactory httpClients, LongAdder drops,
                Function<String, LongAdder> produceErrors) {
        this.name = config.name();
        this.topic = config.topic();
        this.key = instance.getBytes(StandardCharsets.UTF_8);
        this.format = config.format();
        this.drops = drops;
        this.produceErrors = produceErrors;
        this.work = new ArrayBlockingQueue<>(config.bufferSize());
        if (KAFKA_LOG.getLevel() == null) {
            KAFKA_LOG.setLevel(Level.WARNING);
        }
        this.producer = producer(config, httpClients);
        this.dispatcher = Thread.ofPlatform().daemon().name("alertmanager-eventrecorder-kafka").start(this::dispatch);
    }

    /** 0.34's producer options ({@code kafka.BuildOpts} over franz-go's defaults) in kafka-clients' terms. */
    private static KafkaProducer<byte[], byte[]> producer(EventRecorderConfig.KafkaOutput config, HttpClientFactory httpClients) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.brokers()));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ACKS_CONFIG, switch (config.acks()) {
            case "none" -> "0";
            case "all" -> "all";
            default -> "1";
        });
        // The idempotent producer needs acks=all; 0.34 turns it off for the weaker levels likewise.
        boolean idempotent = config.acks().equals("all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent);
        if (!idempotent) {
            // franz-go's default without idempotence: one produce request in flight per broker, so
            // that a retried batch cannot land after the one behind it (Kafka's default is 5).
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        }
        // send() never waits (Kafka's default is 60 s), neither for the topic's partitions nor for
        // room in the accumulator: it refuses the record at once and the dispatcher keeps it, in
        // order, and offers it again. A missing broker then holds no thread, not even at close.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        // franz-go has no record timeout and retries without limit by default: a record the
        // producer took waits for a broker however long it takes (Kafka's default fails it after
        // 2 min); what bounds the wait is MAX_BUFFERED_RECORDS, as in 0.34.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        // Kafka's defaults, set so that they stay: a missing broker is tried again after 50 ms, then
        // at most every second (franz-go: 250 ms up to 5 s), so held events leave within about a
        // second of a broker's start, for one connection attempt a second while there is none.
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        requireCodec(config.compression());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        if (config.tlsConfig() != null) {
            p.put("security.protocol", "SSL");
            // The kernel's TLS (files read per connection, the broker's name checked, min/max_version),
            // not Kafka's keystore settings: tls_config means what it means everywhere else.
            p.put("ssl.engine.factory.class", KafkaTlsEngineFactory.class);
            p.put(KafkaTlsEngineFactory.CONFIG, new KafkaTlsEngineFactory.Settings(httpClients, config.tlsConfig(), config.configDirectory()));
        }
        // Kafka loads the classes its config names (metric reporters) through the thread's context
        // class loader; under OSGi that is not this bundle's, which holds kafka-clients.
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(KafkaProducer.class.getClassLoader());
        try {
            return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /**
     * Compresses a byte with the codec, as the producer will, so that a codec that cannot run here
     * refuses the output when it is built instead of failing every batch: the bundle carries the
     * native libraries of zstd and snappy (which have no Java fallback) for Linux x86_64 and
     * aarch64 only, the platforms of the tarball's runtime (see the pom).
     */
    static void requireCodec(String compression) {
        if (compression.equals("none")) {
            return;
        }
        try (OutputStream out = Compression.of(compression).build().wrapForOutput(new ByteBufferOutputStream(64),
                RecordBatch.CURRENT_MAGIC_VALUE)) {
            out.write(0);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            // snappy-java throws its own Error (SnappyError) when it has no native library.
            throw new IllegalArgumentException("compression " + compression + " is not available on " + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch") + " (its native library is shipped for Linux x86_64 and aarch64): " + e, e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Queues the event for the dispatcher; never waits. */
    @Override
    public int send(byte[] json) throws IOException {
        byte[] value = format == EventRecorderConfig.KafkaFormat.PROTOBUF ? protobuf(json) : json;
        if (closing || !work.offer(value)) {
            drops.increment();
            LOG.warning("Kafka event recorder buffer full, dropping event: " + name);
        }
        return value.length;
    }

    /** The event's JSON (protobuf's JSON mapping, from {@link Events}) as the generated {@code Event}, binary. */
    static byte[] protobuf(byte[] json) throws IOException {
        Event.Builder event = Event.newBuilder();
        try {
            PROTO_JSON.merge(new String(json, StandardCharsets.UTF_8), event);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("cannot encode event as protobuf: " + e.getMessage(), e);
        }
        return event.build().toByteArray();
    }

    /**
     * Moves queued values into {@link #pending} and hands them to the producer in order; at close,
     * goes on until all are handed over, or they have waited {@link #METADATA_WAIT_MILLIS} for the
     * topic's partitions, or the flush budget is spent.
     */
    private void dispatch() {
        Stall stall = new Stall();
        long retry = TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
        boolean closeSeen = false;
        long closeDeadline = 0;
        while (true) {
            byte[] value;
            try {
                value = work.poll(pending.isEmpty() ? POLL_MILLIS : RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                value = null;
            }
            for (; value != null; value = work.poll()) {
                admit(value);
            }
            long now = System.nanoTime();
            if (!pending.isEmpty() && (!stall.active || now - stall.lastTry >= retry)) {
                handOver(stall, now);
            }
            if (stall.forMetadata && !stall.warned && now - stall.since >= TimeUnit.MILLISECONDS.toNanos(UNREACHABLE_WARNING_MILLIS)) {
                stall.warned = true;
                LOG.warning("Kafka event recorder could not reach brokers; holding " + pending.size()
                        + " events and retrying in background: " + name);
            }
            if (closing) {
                if (!closeSeen) {
                    closeSeen = true;
                    closeDeadline = now + FLUSH_BUDGET.toNanos();
                }
                if (pending.isEmpty() && work.isEmpty() || now - closeDeadline >= 0
                        || stall.forMetadata && now - stall.since >= TimeUnit.MILLISECONDS.toNanos(METADATA_WAIT_MILLIS)) {
                    return;
                }
            }
        }
    }

    /** Why the head of {@link #pending} waits, if it does: the dispatcher's own. */
    private static final class Stall {
        /** The producer refused the head at {@link #lastTry}; it is offered again {@link #RETRY_MILLIS} later. */
        boolean active;
        long lastTry;
        /** Refused because the topic's partitions are not known (no broker answered yet), since {@link #since}. */
        boolean forMetadata;
        long since;
        boolean warned;
    }

    /** Takes a value from the local queue, or drops it when MAX_BUFFERED_RECORDS are held (0.34's ErrMaxBuffered). */
    private void admit(byte[] value) {
        if (pending.size() + inProducer.get() >= MAX_BUFFERED_RECORDS) {
            drops.increment();
            LOG.warning("Kafka producer buffer full, dropping event: " + name);
            return;
        }
        pending.add(value);
    }

    /** Hands {@link #pending} to the producer from its head until it is empty or the producer refuses one for now. */
    private void handOver(Stall stall, long now) {
        while (!pending.isEmpty()) {
            Delivery delivery = new Delivery();
            inProducer.incrementAndGet();
            try {
                producer.send(new ProducerRecord<>(topic, key, pending.peek()), delivery);
            } catch (KafkaException e) {
                // Thrown rather than given to the callback: a failure of this record, not of the wait.
                inProducer.decrementAndGet();
                pending.poll();
                failed(e);
                continue;
            }
            Exception refused = delivery.refused;
            if (refused == null) {
                pending.poll();
                stall.active = false;
                stall.forMetadata = false;
                stall.warned = false;
                continue;
            }
            inProducer.decrementAndGet();
            if (refused instanceof BufferExhaustedException) {
                stall.active = true;
                stall.lastTry = now;
                stall.forMetadata = false;
                return;
            }
            if (refused instanceof TimeoutException) {
                stall.active = true;
                stall.lastTry = now;
                // "Topic ... not present in metadata after 0 ms": no broker has told the partitions yet.
                if (!stall.forMetadata) {
                    stall.forMetadata = true;
                    stall.since = now;
                }
                return;
            }
            pending.poll();
            failed(refused);
        }
    }

    /**
     * The record's callback. kafka-clients calls it on the sending thread, before {@code send}
     * returns, when it refuses the record (no partitions known within max.block.ms, no memory, too
     * large), and on its network thread once the record is delivered or failed.
     */
    private final class Delivery implements Callback {
        private final Thread caller = Thread.currentThread();
        private Exception refused;

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error != null && Thread.currentThread() == caller) {
                refused = error;
                return;
            }
            inProducer.decrementAndGet();
            if (error != null) {
                failed(error);
            }
        }
    }

    private void failed(Exception error) {
        produceErrors.apply(errorType(error)).increment();
        LOG.warning("Kafka event recorder produce failed: " + name + ": " + error);
    }

    /** 0.34's {@code kafka.ClassifyError} buckets, so that the metric's cardinality stays bounded. */
    static String errorType(Throwable error) {
        if (error instanceof TimeoutException || error instanceof java.util.concurrent.TimeoutException
                || error instanceof InterruptException) {
            return "timeout";
        }
        if (error instanceof NetworkException || error instanceof java.io.IOException) {
            return "network";
        }
        if (error instanceof ApiException) {
            return "broker";
        }
        return "unknown";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + FLUSH_BUDGET.toNanos();
        closing = true;
        try {
            // The dispatcher never blocks on the producer: it returns within its deadlines.
            dispatcher.join(FLUSH_BUDGET.plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!dispatcher.isAlive()) {
            int left = pending.size() + work.size();
            if (left > 0) {
                produceErrors.apply("unknown").add(left);
                LOG.warning("Kafka event recorder closed with " + left + " events the brokers did not take (no partitions of "
                        + topic + " known); dropped: " + name);
            }
        }
        Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        try {
            // Waits for the records handed over (up to the budget), then fails the rest.
            producer.close(remaining);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Kafka event recorder flush did not complete within budget; remaining records are dropped: " + name, e);
        }
    }
}
