package io.promethium.api.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CommandLine} reads words as promtool's kingpin does; the expected messages are those
 * promtool 2.42 prints (e.g. {@code promtool query instant -o=json URL up}:
 * {@code enum value must be one of promql,json, got '=json'}).
 */
class CommandLineTest {

    private static final CommandLine.Reader READER = CommandLine.reader()
            .valued("url", "match")
            .choice("format", "promql", "json")
            .shortName('o', "format")
            .bool("quiet", "human-readable")
            .shortName('q', "quiet")
            .shortName('r', "human-readable")
            .refused("http.config.file", "--http.config.file is not supported");

    private static CommandLine read(String... args) throws CommandLine.UsageException {
        return READER.read(List.of(args));
    }

    private static void assertUsage(String message, String... args) {
        assertThatThrownBy(() -> read(args)).isInstanceOf(CommandLine.UsageException.class).hasMessage(message);
    }

    @Test
    void aValuedFlagTakesItsValueAfterAnEqualsSignOrAsTheNextWord() throws Exception {
        assertThat(read("--url=http://a").value("url", "x")).isEqualTo("http://a");
        assertThat(read("--url", "http://b").value("url", "x")).isEqualTo("http://b");
        assertThat(read("--url=").value("url", "x")).isEmpty();
        assertThat(read("--url", "--quiet").value("url", "x")).as("the next word is the value, dashes or not").isEqualTo("--quiet");
    }

    @Test
    void aFlagNotGivenHasTheFallbackAndNoValues() throws Exception {
        CommandLine line = read();
        assertThat(line.has("url")).isFalse();
        assertThat(line.value("url", "http://localhost:9090")).isEqualTo("http://localhost:9090");
        assertThat(line.values("match")).isEmpty();
        assertThat(line.flag("quiet")).isFalse();
    }

    @Test
    void aRepeatedFlagKeepsEveryValueInOrderAndTheLastWins() throws Exception {
        CommandLine line = read("--match=a", "--match", "b", "--url=1", "--url=2");
        assertThat(line.values("match")).containsExactly("a", "b");
        assertThat(line.value("url", null)).isEqualTo("2");
    }

    @Test
    void booleansAreSetByTheirNameAndClearedByNoName() throws Exception {
        assertThat(read("--quiet").flag("quiet")).isTrue();
        assertThat(read("--quiet", "--no-quiet").flag("quiet")).isFalse();
        assertThat(read("--no-quiet").has("quiet")).isTrue();
        assertUsage("unexpected true", "--quiet=true");
    }

    @Test
    void shortFlagsTakeValuesAttachedOrNextAndBooleansCombine() throws Exception {
        assertThat(read("-o", "json").value("format", null)).isEqualTo("json");
        assertThat(read("-ojson").value("format", null)).isEqualTo("json");
        CommandLine line = read("-qr");
        assertThat(line.flag("quiet")).isTrue();
        assertThat(line.flag("human-readable")).isTrue();
        assertThat(read("-qojson").value("format", null)).isEqualTo("json");
        assertUsage("enum value must be one of promql,json, got '=json'", "-o=json");
        assertUsage("expected argument for flag '-o'", "-o");
    }

    @Test
    void positionalArgumentsKeepTheirOrderAroundFlags() throws Exception {
        CommandLine line = read("a", "--url=u", "b", "-", "c");
        assertThat(line.positional()).containsExactly("a", "b", "-", "c");
        assertThat(line.value("url", null)).isEqualTo("u");
    }

    @Test
    void doubleDashEndsTheFlags() throws Exception {
        CommandLine line = read("--quiet", "--", "--url=x", "-1");
        assertThat(line.positional()).containsExactly("--url=x", "-1");
        assertThat(line.has("url")).isFalse();
    }

    @Test
    void unknownFlagsAreNamedAsKingpinNamesThem() {
        assertUsage("unknown long flag '--frobnicate'", "--frobnicate=1");
        assertUsage("unknown long flag '--frobnicate'", "--frobnicate");
        assertUsage("unknown long flag '--no-url'", "--no-url");
        assertUsage("unknown short flag '-x'", "-x");
        assertUsage("unknown short flag '-1'", "-1");
        assertUsage("unknown short flag '-x'", "-qx");
    }

    @Test
    void aValuedFlagWithoutItsValueIsAnError() {
        assertUsage("expected argument for flag '--url'", "--url");
    }

    @Test
    void aChoiceOutsideItsValuesIsAnError() throws Exception {
        assertUsage("enum value must be one of promql,json, got 'yaml'", "--format=yaml");
        assertThat(read("--format", "promql").value("format", null)).isEqualTo("promql");
    }

    @Test
    void aRefusedFlagIsAnErrorWithItsReasonWhetherOrNotItHasAValue() {
        assertUsage("--http.config.file is not supported", "--http.config.file=a.yml");
        assertUsage("--http.config.file is not supported", "--http.config.file");
    }

    @Test
    void requiredFlagsAndArgumentsAreCheckedAsKingpinChecksThem() throws Exception {
        assertThatThrownBy(() -> read().required("url")).hasMessage("required flag --url not provided");
        assertThat(read("--url=u").required("url")).isEqualTo("u");
        assertThatThrownBy(() -> read("s").arguments("server", "expr")).hasMessage("required argument 'expr' not provided");
        assertThatThrownBy(() -> read("s", "e", "x").arguments("server", "expr")).hasMessage("unexpected x");
        assertThat(read("s", "e").arguments("server", "expr")).containsExactly("s", "e");
        assertThatThrownBy(() -> read().arguments(1, Integer.MAX_VALUE, "rule-files"))
                .hasMessage("required argument 'rule-files' not provided");
        assertThat(read("a", "b", "c").arguments(1, Integer.MAX_VALUE, "rule-files")).hasSize(3);
        assertThat(read().arguments(0, 1, "db")).isEmpty();
        assertThatThrownBy(() -> read("a", "b").arguments(0, 1, "db")).hasMessage("unexpected b");
    }

    @Test
    void theReaderIsImmutable() throws Exception {
        CommandLine.Reader base = CommandLine.reader().valued("a");
        base.valued("b");
        assertThatThrownBy(() -> base.read(List.of("--b=1"))).hasMessage("unknown long flag '--b'");
        assertThatThrownBy(() -> base.shortName('x', "undeclared")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theResultCannotBeChanged() throws Exception {
        CommandLine line = read("--match=a", "p");
        assertThatThrownBy(() -> line.values("match").add("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> line.positional().add("q")).isInstanceOf(UnsupportedOperationException.class);
    }

    /**
     * promtool's {@code --enable-feature} is a flag of the application, so every command takes it,
     * repeated and comma-separated; an unknown name is a warning promtool prints with
     * {@code Printf} and no line break (Prometheus 3's {@code cmd/promtool/main.go}).
     */
    @Test
    void everyReaderTakesPromtoolsEnableFeatureAndWarnsOfUnknownNamesAsPromtool() throws Exception {
        CommandLine line = CommandLine.reader().read(List.of("--enable-feature=promql-experimental-functions,,x",
                "--enable-feature", "promql-delayed-name-removal", "--enable-feature=x"));
        assertThat(line.features()).containsExactly("promql-experimental-functions", "x", "promql-delayed-name-removal");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(line.features(out)).containsExactly("promql-experimental-functions", "x", "promql-delayed-name-removal");
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "  WARNING: Unknown feature passed to --enable-feature: x  WARNING: Unknown feature passed to --enable-feature: x");
        assertThat(CommandLine.reader().read(List.of()).features()).isEmpty();
    }
}
