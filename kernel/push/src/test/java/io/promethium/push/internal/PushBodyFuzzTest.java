package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Mutated push bodies, in the text format (the pages of this module's tests) and the delimited
 * protobuf format (families as {@link TestBodyParsers} builds them), parse or fail with a
 * {@link PushException} answered 400 with a reason; never another exception. Prints its seed:
 * {@code -Dpush.fuzz.seed=N} replays a run.
 */
class PushBodyFuzzTest {

    private static final byte[] INTERESTING = "{}\",=# \n\\.eE+-0123456789NaInf\tx_:le\"quantile".getBytes(StandardCharsets.UTF_8);

    @Test
    void mutatedTextBodiesParseOrFailWith400() {
        List<byte[]> seeds = new ArrayList<>();
        for (String page : FuzzMutations.textBlocks(Path.of("src/test/java/io/promethium/push/internal"), "# TYPE", "%s", "%d")) {
            seeds.add(page.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(seeds).as("text pages from this module's tests").hasSizeGreaterThan(3);
        run("push.text.fuzz", seeds, true, 8_000, TextBodyParser::parse);
    }

    @Test
    void mutatedProtobufBodiesParseOrFailWith400() {
        List<byte[]> seeds = List.of(
                ProtoBytes.delimited(
                        new ProtoBytes().string(1, "g").string(2, "A gauge.").uint(3, 1)
                                .message(4, new ProtoBytes().message(1, ProtoBytes.label("k", "v")).message(2, new ProtoBytes().dbl(1, -2.5))),
                        new ProtoBytes().string(1, "u").uint(3, 3).message(4, new ProtoBytes().message(5, new ProtoBytes().dbl(1, 1)))),
                ProtoBytes.delimited(new ProtoBytes().string(1, "c_total").uint(3, 0)
                        .message(4, new ProtoBytes().message(3, new ProtoBytes().dbl(1, 7)).uint(6, 1_700_000_000_000L))),
                ProtoBytes.delimited(new ProtoBytes().string(1, "s").uint(3, 2).message(4, new ProtoBytes().message(4,
                        new ProtoBytes().uint(1, 4).dbl(2, 2).message(3, new ProtoBytes().dbl(1, 0.5).dbl(2, 1))))),
                ProtoBytes.delimited(new ProtoBytes().string(1, "h").uint(3, 4).message(4, new ProtoBytes().message(7,
                        new ProtoBytes().uint(1, 3).dbl(2, 5).message(3, new ProtoBytes().uint(1, 1).dbl(2, 0.1))
                                .message(3, new ProtoBytes().uint(1, 3).dbl(2, 1))))),
                ProtoBytes.delimited(new ProtoBytes().string(1, "n").uint(3, 4)
                        .message(4, new ProtoBytes().message(7, new ProtoBytes().uint(1, 1).uint(5, 3)))));
        run("push.protobuf.fuzz", seeds, false, 20_000, ProtobufBodyParser::parse);
    }

    interface Parser {
        Object parse(byte[] body, int length) throws PushException;
    }

    private static void run(String name, List<byte[]> seeds, boolean text, int ciIterations, Parser parser) {
        FuzzRun run = FuzzRun.configure(name, 20_261_123L, ciIterations, Duration.ofSeconds(3)).start();
        Random random = new Random(run.seed());
        int parsed = 0;
        int refused = 0;
        int done = 0;
        for (; run.proceed(done); done++) {
            byte[] body = FuzzMutations.mutateBytes(seeds.get(random.nextInt(seeds.size())), random, text ? INTERESTING : null);
            try {
                parser.parse(body, body.length);
                parsed++;
            } catch (PushException e) {
                assertThat(e.status()).as("status for %s", Arrays.toString(body)).isEqualTo(400);
                assertThat(e.getMessage()).isNotBlank();
                refused++;
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("unexpected " + e + " for " + (text ? new String(body, StandardCharsets.UTF_8)
                        : Arrays.toString(body)) + " (iteration " + done + "; replay with -D" + name + ".seed=" + run.seed() + ")", e);
            }
        }
        System.out.printf("%s: %d parsed, %d refused; %s%n", name, parsed, refused, run.summary(done));
        assertThat(parsed).as("mutations that still parse").isPositive();
        assertThat(refused).as("mutations refused").isPositive();
    }



}
