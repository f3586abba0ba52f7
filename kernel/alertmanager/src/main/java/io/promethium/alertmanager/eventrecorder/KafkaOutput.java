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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * <p>Never blocks the recorder's writer: events wait in a local queue of {@code buffer_size}
 * (a full one drops the event and counts it in {@code alertmanager_event_output_drops_total}),
 * handed to the producer by one thread. The producer batches (5 ms linger, as 0.34), compresses
 * and retries; a record that fails in the end is counted in
 * {@code alertmanager_event_kafka_produce_errors_total{error_type}}. Closing hands the queue to
 * the producer and flushes it within 30 s (0.34's flush budget); what is left then is dropped.
 */
final class KafkaOutput implements Destination {

    private static final Logger LOG = Logger.getLogger(KafkaOutput.class.getName());
    /**
     * kafka-clients' own logs (through SLF4J to java.util.logging): at INFO each producer prints
     * its ~120 settings; WARNING unless the operator's logging config set a level for it.
     */
    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");
    static final Duration FLUSH_BUDGET = Duration.ofSeconds(30);
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

    /** 0.34's producer options ({@code kafka.BuildOpts}) in kafka-clients' terms. */
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
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, config.acks().equals("all"));
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

    /** Hands queued values to the producer; at close, what is still queued, then returns. */
    private void dispatch() {
        try {
            while (true) {
                byte[] value = work.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (value != null) {
                    produce(value);
                } else if (closing) {
                    return;
                }
            }
        } catch (InterruptedException | InterruptException e) {
            // the flush budget ran out at close
        }
    }

    private void produce(byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error != null) {
                    failed(error);
                }
            });
        } catch (InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            // send() itself fails when the topic's metadata cannot be had within max.block.ms, or the
            // producer's memory is full.
            failed(e);
        }
    }

    private void failed(Exception error) {
        if (error instanceof BufferExhaustedException) {
            drops.increment();
            LOG.warning("Kafka producer buffer full, dropping event: " + name);
            return;
        }
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
        closing = true;
        long deadline = System.nanoTime() + FLUSH_BUDGET.toNanos();
        try {
            if (!dispatcher.join(FLUSH_BUDGET)) {
                dispatcher.interrupt();
                dispatcher.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        try {
            // Waits for the records handed over (up to the budget), then drops the rest.
            producer.close(left);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Kafka event recorder flush did not complete within budget; remaining records are dropped: " + name, e);
        }
        if (!work.isEmpty()) {
            LOG.warning("Kafka event recorder closed with " + work.size() + " events not handed to the producer: " + name);
        }
    }
}
