package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The 211 cases of the OpenMetrics parser suite: every shouldParse verdict must match in strict mode. */
class OpenMetricsConformanceTest {

    private static final Pattern SHOULD_PARSE = Pattern.compile("\"shouldParse\"\\s*:\\s*(true|false)");

    record Case(String name, byte[] metrics, boolean shouldParse) {
    }

    static List<Case> cases() {
        Path dir = Conformance.root().resolve("openmetrics");
        try (Stream<Path> folders = Files.list(dir)) {
            return folders.filter(Files::isDirectory).sorted().map(OpenMetricsConformanceTest::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Case load(Path folder) {
        try {
            String json = Files.readString(folder.resolve("test.json"));
            Matcher m = SHOULD_PARSE.matcher(json);
            if (!m.find()) {
                throw new IllegalStateException("no shouldParse in " + folder);
            }
            return new Case(folder.getFileName().toString(), Files.readAllBytes(folder.resolve("metrics")),
                    Boolean.parseBoolean(m.group(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void parseAll(Case c, ParseMode mode) throws ExpositionException {
        ParsedPage.parse(ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newParser(c.metrics(), 0, c.metrics().length, mode));
    }

    @Test
    void suiteHas211Cases() {
        assertThat(cases()).hasSize(211);
    }

    @TestFactory
    Stream<DynamicTest> everyVerdictMatchesInStrictMode() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            if (c.shouldParse()) {
                assertThatCode(() -> parseAll(c, ParseMode.STRICT)).as(c.name()).doesNotThrowAnyException();
            } else {
                assertThatThrownBy(() -> parseAll(c, ParseMode.STRICT)).as(c.name())
                        .isInstanceOf(ExpositionException.class);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyValidCaseAlsoParsesLeniently() {
        return cases().stream().filter(Case::shouldParse).map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertThatCode(() -> parseAll(c, ParseMode.LENIENT)).doesNotThrowAnyException()));
    }
}
