package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bad input never crashes a parser: mutated conformance pages either parse or fail with an
 * {@link ExpositionException} that names a line, never with any other exception. Deterministic
 * seeds and a fixed number of rounds keep it fast and repeatable.
 */
class ParserFuzzTest {

    private static final byte[] INTERESTING = "{}\",=# \n\\.eE+-0123456789NaInf\tx_:".getBytes(StandardCharsets.UTF_8);

    @Test
    void mutatedPagesFailOnlyWithExpositionExceptions() {
        List<byte[]> seeds = new ArrayList<>();
        for (OpenMetricsConformanceTest.Case c : OpenMetricsConformanceTest.cases()) {
            seeds.add(c.metrics());
        }
        SplittableRandom random = new SplittableRandom(20_241_121);
        int parsed = 0;
        int rejected = 0;
        for (int round = 0; round < 10_000; round++) {
            byte[] page = mutate(seeds.get(random.nextInt(seeds.size())), random);
            for (ExpositionFormat format : List.of(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, ExpositionFormat.OPENMETRICS_TEXT_1_0_0)) {
                for (ParseMode mode : ParseMode.values()) {
                    if (parseFully(format.newParser(page, 0, page.length, mode))) {
                        parsed++;
                    } else {
                        rejected++;
                    }
                }
            }
        }
        // Both outcomes must occur, or the mutations test nothing.
        assertThat(parsed).isPositive();
        assertThat(rejected).isPositive();
    }

    private static boolean parseFully(ExpositionParser parser) {
        try {
            ExpositionParser.Entry entry;
            while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
                switch (entry) {
                    case SERIES -> {
                        Labels.Builder builder = Labels.builder();
                        parser.labels(builder);
                        builder.build();
                        if (parser.hasExemplar()) {
                            parser.exemplar();
                        }
                    }
                    case HELP -> parser.help();
                    case UNIT -> parser.unit();
                    case COMMENT -> parser.comment();
                    case TYPE -> parser.metricFamilyName();
                    default -> {
                    }
                }
            }
            return true;
        } catch (ExpositionException e) {
            assertThat(e.line()).isNotNegative();
            assertThat(e.getMessage()).startsWith("line ");
            return false;
        }
    }

    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] page = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && page.length > 0; i++) {
            int at = random.nextInt(page.length);
            byte b = INTERESTING[random.nextInt(INTERESTING.length)];
            switch (random.nextInt(4)) {
                case 0 -> page[at] = b;
                case 1 -> {
                    byte[] longer = new byte[page.length + 1];
                    System.arraycopy(page, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(page, at, longer, at + 1, page.length - at);
                    page = longer;
                }
                case 2 -> {
                    byte[] shorter = new byte[page.length - 1];
                    System.arraycopy(page, 0, shorter, 0, at);
                    System.arraycopy(page, at + 1, shorter, at, page.length - at - 1);
                    page = shorter;
                }
                default -> page = java.util.Arrays.copyOf(page, at);
            }
        }
        return page;
    }
}
