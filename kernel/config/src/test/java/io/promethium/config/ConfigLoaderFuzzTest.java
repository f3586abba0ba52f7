package io.promethium.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.testsupport.FuzzLoop;
import io.promethium.testsupport.FuzzMutations;
import io.promethium.testsupport.FuzzRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Mutated prometheus.yml files (the YAML text blocks of this module's own tests) either load or
 * fail with a {@link ConfigException} whose message names the file, each within a deadline; never
 * another exception, a hang or an out-of-memory error. Prints its seed:
 * {@code -Dconfig.fuzz.seed=N} replays a run.
 */
class ConfigLoaderFuzzTest {

    /** A load takes well under a millisecond; the rest is margin for a loaded machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final String[] FRAGMENTS = {
        ":", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", "\"", "'", "#", "&a ", "*a", "!!str ", "!!binary ", "? ",
        "|", ">", "0", "-1", "1e309", "9999999999999999999", "15s", "0s", "-5m", "1y", "NaN", "true", "null", "~", "\t",
        "job_name", "scrape_configs", "global", "targets", "labels", "regex", "(", ".*", "\\", "\u00e9", "\uD800",
        "\u0000", "%", "${X}", "$1", "__name__", "http://", "localhost:9090",
    };

    private static final Path FILE = Path.of("prometheus.yml");

    @Test
    void mutatedPrometheusConfigsLoadOrFailWithAConfigException() throws Exception {
        ConfigLoader loader = new ConfigLoader(PluginKeys.NONE);
        // Every file, and those that load three times more: mutations of a refused file mostly meet its first error again.
        List<String> seeds = new ArrayList<>();
        int loading = 0;
        for (String text : FuzzMutations.textBlocks(Path.of("src/test/java/io/promethium/config"), "job_name", "%s", "%d")) {
            try {
                loader.parse(FILE, text);
                seeds.addAll(List.of(text, text, text));
                loading++;
            } catch (ConfigException e) {
                // a test of an error: its file is a seed too
            }
            seeds.add(text);
        }
        assertThat(loading).as("loading configs among this module's tests").isGreaterThan(1);
        FuzzRun run = FuzzRun.configure("config.fuzz", 20_261_123L, 12_000, Duration.ofSeconds(4));
        FuzzLoop.Outcomes outcomes = FuzzLoop.run("config", run, seeds, FRAGMENTS, true, DEADLINE, text -> {
            try {
                loader.parse(FILE, text);
                return true;
            } catch (ConfigException e) {
                assertThat(e.getMessage()).as("error for %s", text).startsWith(FILE.toString());
                return false;
            }
        });
        assertThat(outcomes.accepted()).as("mutations that still load").isPositive();
        assertThat(outcomes.refused()).as("mutations refused").isPositive();
    }
}
