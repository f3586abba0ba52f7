package io.promethium.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every real-world page of the conformance data parses, with the number of samples it holds. */
class ExpositionPagesTest {

    private static byte[] page(String file) throws IOException {
        return Files.readAllBytes(Conformance.root().resolve("exposition").resolve(file));
    }

    private static ExpositionFormat formatOf(String file) {
        return file.endsWith(".om.txt") ? ExpositionFormat.OPENMETRICS_TEXT_1_0_0 : ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
    }

    @Test
    void everyPageInTheFolderIsCovered() throws IOException {
        try (var files = Files.list(Conformance.root().resolve("exposition"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "1histogram.om.txt", "alltypes.237mfs.nometa.prom.txt", "alltypes.237mfs.prom.txt",
                    "alltypes.5mfs.om.txt");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1histogram.om.txt, 42, 2",
        "alltypes.237mfs.nometa.prom.txt, 1857, 1",
        "alltypes.237mfs.prom.txt, 1857, 475",
        "alltypes.5mfs.om.txt, 53, 10",
    })
    void pageParsesWithItsSampleCount(String file, int samples, int metadataLines) throws Exception {
        ParsedPage parsed = ParsedPage.parse(formatOf(file), new String(page(file), StandardCharsets.UTF_8));
        assertThat(parsed.samples()).hasSize(samples);
        assertThat(parsed.metadata()).hasSize(metadataLines);
    }

    /** Each parsed value equals what the JDK makes of the same token, fast path or not. */
    @ParameterizedTest
    @CsvSource({"alltypes.237mfs.prom.txt", "alltypes.5mfs.om.txt", "1histogram.om.txt"})
    void valuesMatchTheJdkParsingOfEachToken(String file) throws Exception {
        String text = new String(page(file), StandardCharsets.UTF_8);
        List<Double> expected = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String afterSeries = brace >= 0 && brace < space
                    ? line.substring(line.indexOf("} ", brace) + 2)
                    : line.substring(space + 1);
            String token = afterSeries.split(" ")[0];
            expected.add(switch (token) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(token);
            });
        }
        List<Double> actual = ParsedPage.parse(formatOf(file), text).samples().stream()
                .map(ParsedPage.Sample::value).toList();
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void strictModeRejectsTheGoClientPageForItsNegativeSum() throws IOException {
        byte[] bytes = page("alltypes.5mfs.om.txt");
        ExpositionParser parser = ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newParser(bytes, 0, bytes.length, ParseMode.STRICT);
        assertThatThrownBy(() -> ParsedPage.parse(parser))
                .isInstanceOf(ExpositionException.class)
                .hasMessageContaining("line 33: counter-like sample rpc_durations_histogram_seconds_sum cannot be negative");
    }

    @Test
    void strictModeAcceptsTheSingleHistogramPage() throws Exception {
        byte[] bytes = page("1histogram.om.txt");
        ParsedPage parsed = ParsedPage.parse(
                ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newParser(bytes, 0, bytes.length, ParseMode.STRICT));
        assertThat(parsed.samples()).hasSize(42);
    }
}
