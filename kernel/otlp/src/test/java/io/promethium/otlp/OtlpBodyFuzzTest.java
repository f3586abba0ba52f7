package io.promethium.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.promethium.testsupport.FuzzMutations;
import io.promethium.testsupport.FuzzRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Mutated OTLP bodies, JSON (the requests of this module's tests) and protobuf (the same requests
 * encoded, and {@link TranslatorTest}'s gauge and counter), either decode and translate (errors
 * in the result, as Prometheus answers them) or fail to decode with the decoder's own exception;
 * never another exception. Prints its seed: {@code -Dotlp.fuzz.seed=N} replays a run.
 */
class OtlpBodyFuzzTest {

    private static final byte[] JSON_BYTES = "{}[],:\"\\0123456789-eE.truefalsenull aN".getBytes(StandardCharsets.UTF_8);

    @Test
    void mutatedJsonAndProtobufBodiesDecodeAndTranslateOrFailToDecode() throws Exception {
        List<byte[]> json = new ArrayList<>();
        for (String body : FuzzMutations.textBlocks(Path.of("src/test/java/io/promethium/otlp"), "resourceMetrics", "%s")) {
            json.add(body.replace("%d", Long.toString(TranslatorTest.T)).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(json).as("JSON requests from this module's tests").isNotEmpty();
        List<byte[]> protobuf = new ArrayList<>();
        for (byte[] body : json) {
            protobuf.add(OtlpJson.parse(body, body.length).toByteArray());
        }
        protobuf.add(TranslatorTest.request(TranslatorTest.resource(TranslatorTest.kv("service.name", "svc")),
                TranslatorTest.gauge("temperature", "Cel", 21.5, TranslatorTest.kv("room", "a")),
                TranslatorTest.counter("requests", "1", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, 7, TranslatorTest.T - 1))
                .toByteArray());
        FuzzRun run = FuzzRun.configure("otlp.fuzz", 20_261_123L, 3_000, Duration.ofSeconds(3)).start();
        Random random = new Random(run.seed());
        int translated = 0;
        int refused = 0;
        int done = 0;
        for (; run.proceed(done); done++) {
            boolean isJson = random.nextBoolean();
            List<byte[]> seeds = isJson ? json : protobuf;
            byte[] body = FuzzMutations.mutateBytes(seeds.get(random.nextInt(seeds.size())), random, isJson ? JSON_BYTES : null);
            ExportMetricsServiceRequest request;
            try {
                try {
                    request = isJson ? OtlpJson.parse(body, body.length) : ExportMetricsServiceRequest.parseFrom(body);
                } catch (InvalidProtocolBufferException | OtlpJson.JsonException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    refused++;
                    continue;
                }
                new Translator(new RecordingAppender(), OtlpConfig.DEFAULT, TranslatorTest.OPTIONS, TranslatorTest.NOW).translate(request);
                translated++;
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("unexpected " + e + " for " + (isJson ? new String(body, StandardCharsets.UTF_8)
                        : Arrays.toString(body)) + " (iteration " + done + "; replay with -Dotlp.fuzz.seed=" + run.seed() + ")", e);
            }
        }
        System.out.printf("otlp fuzz: %d translated, %d refused; %s%n", translated, refused, run.summary(done));
        assertThat(translated).as("mutations that still decode").isPositive();
        assertThat(refused).as("mutations refused").isPositive();
    }



}
