package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.FuzzRun;
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
        for (String page : textBlocks(Path.of("src/test/java/io/promethium/push/internal"))) {
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
            byte[] body = mutate(seeds.get(random.nextInt(seeds.size())), random, text);
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

    private static byte[] mutate(byte[] seed, Random random, boolean text) {
        byte[] body = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && body.length > 0; i++) {
            int at = random.nextInt(body.length);
            byte b = text ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt();
            switch (random.nextInt(4)) {
                case 0 -> body[at] = b;
                case 1 -> {
                    byte[] longer = new byte[body.length + 1];
                    System.arraycopy(body, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(body, at, longer, at + 1, body.length - at);
                    body = longer;
                }
                case 2 -> {
                    byte[] shorter = new byte[body.length - 1];
                    System.arraycopy(body, 0, shorter, 0, at);
                    System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
                    body = shorter;
                }
                default -> body = Arrays.copyOf(body, at);
            }
        }
        return body;
    }

    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"\\n(.*?)\"\"\"", Pattern.DOTALL);

    /** The exposition pages written as text blocks in the test sources under {@code dir}. */
    private static List<String> textBlocks(Path dir) {
        List<String> blocks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = TEXT_BLOCK.matcher(Files.readString(file));
                while (m.find()) {
                    String block = m.group(1).stripIndent().translateEscapes();
                    if (block.contains("# TYPE") && !block.contains("%s") && !block.contains("%d")) {
                        blocks.add(block);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blocks;
    }
}
