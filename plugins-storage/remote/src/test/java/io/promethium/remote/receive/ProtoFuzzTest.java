package io.promethium.remote.receive;

import io.promethium.remote.wire.ProtoReader;
import io.promethium.remote.wire.ProtoWriter;
import io.promethium.remote.wire.WriteRequestDecoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mutated remote write and read requests fail only with the decoder's own error, never anything else. */
class ProtoFuzzTest {

    @Test
    void mutatedWriteRequestsFailCleanly() {
        byte[] valid = RemoteEndpointsTest.writeRequest(
                List.of(Labels.of("__name__", "a", "job", "x"), Labels.of("__name__", "b", "instance", "y")),
                new double[][] {{1000, 1, 2000, 2.5}, {1000, -1}});
        Random random = new Random(11);
        int failures = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = mutate(valid, random);
            try {
                new WriteRequestDecoder().decode(bytes, bytes.length, (labels, ts, vs, count, ex, exCount) -> {
                    assertThat(count).isBetween(0, 1000);
                });
            } catch (ProtoReader.ProtoException e) {
                failures++;
            } catch (Exception e) {
                throw new AssertionError("unexpected " + e + " for mutation " + i, e);
            }
        }
        assertThat(failures).isPositive();
    }

    @Test
    void mutatedReadRequestsFailCleanly() {
        ProtoWriter w = new ProtoWriter();
        int q = w.beginMessage(1);
        w.int64Field(1, 0);
        w.int64Field(2, 10_000);
        int m = w.beginMessage(3);
        w.int64Field(1, 2);
        w.stringField(2, "__name__");
        w.stringField(3, "up|down");
        w.endMessage(m);
        w.endMessage(q);
        w.int64Field(2, 1);
        byte[] valid = w.toByteArray();
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = mutate(valid, random);
            try {
                RemoteReadReceiver.decode(bytes);
            } catch (ProtoReader.ProtoException e) {
                // expected for most mutations
            } catch (RuntimeException e) {
                throw new AssertionError("unexpected " + e + " for mutation " + i, e);
            }
        }
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = java.util.Arrays.copyOf(valid, random.nextInt(valid.length) + 1);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
        }
        return bytes;
    }
}
