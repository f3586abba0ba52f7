package io.promethium.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one validation shape every kind that owns config follows (discoverers, notifiers, config
 * sections), checked the same way by each contract base: a bad value is refused with a
 * {@link ConfigException} whose {@link ConfigException#field() field()} names it and whose
 * {@link ConfigException#location() location()} is the {@code file:line:col} where it is
 * written, and a key the block does not know is refused naming the key and where it is.
 *
 * <p>Blocks are given the locations the kernel's config loader would give them
 * ({@link #located}): every entry, nested ones and list items included, on a line of its own of
 * {@link #FILE}, so an error that points at the block or at another entry is told apart from one
 * that points at the field.
 */
public final class ConfigContract {

    /** The file the located blocks say they are written in. */
    public static final String FILE = "contract.yml";
    /** The unknown key {@link #refusesUnknownKey} adds. */
    public static final String UNKNOWN_KEY = "no_such_field";
    private static final int FIRST_LINE = 10;

    /** A {@code validate} under test, with whatever context it needs bound. */
    @FunctionalInterface
    public interface Validation {
        void validate(PluginConfig config) throws ConfigException;
    }

    private ConfigContract() {
    }

    /**
     * {@code block} under {@code key} with a location for the block and for every entry: as if
     * written from line 10 of {@link #FILE} one entry a line, each mapping two columns deeper
     * than its key ({@code - } then the entries for an item of a list).
     */
    public static PluginConfig located(String key, Map<String, Object> block) {
        Map<String, String> locations = new LinkedHashMap<>();
        int[] line = {FIRST_LINE};
        walk(block, "", 7, locations, line);
        return new PluginConfig(key, block, FILE + ":" + FIRST_LINE + ":5", locations);
    }

    private static void walk(Map<?, ?> map, String prefix, int column, Map<String, String> locations, int[] line) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String path = prefix + entry.getKey();
            locations.put(path, FILE + ":" + (++line[0]) + ":" + column);
            walkValue(entry.getValue(), path, column + 2, locations, line);
        }
    }

    private static void walkValue(Object value, String path, int column, Map<String, String> locations, int[] line) {
        if (value instanceof Map<?, ?> inner) {
            walk(inner, path + ".", column, locations, line);
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String item = path + "[" + i + "]";
                locations.put(item, FILE + ":" + (++line[0]) + ":" + column);
                walkValue(list.get(i), item, column + 2, locations, line);
            }
        }
    }

    /** Asserts that {@code validation} accepts {@code block} (located under {@code key}). */
    public static void accepts(String key, Map<String, Object> block, Validation validation) throws ConfigException {
        validation.validate(located(key, block));
    }

    /**
     * Asserts that {@code validation} refuses {@code block} with {@code bad} in it, naming the
     * field ({@code field()} is {@code key.<bad.field()>}, the message says its name) and where
     * it is ({@code location()} and the message). Returns the error for further checks.
     */
    public static ConfigException refusesBadValue(String key, Map<String, Object> block, BadValue bad, Validation validation) {
        PluginConfig config = located(key, bad.applyTo(block));
        String at = config.locations().get(bad.field());
        assertThat(at).as("BadValue field " + bad.field() + " is a path of the block " + config.locations().keySet()).isNotNull();
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> validation.validate(config));
        assertThat(e).as("validate refuses " + bad.field() + ": " + bad.value() + " (" + key + " " + config.values() + ")").isNotNull();
        assertThat(e.field()).as("field() of: " + e.getMessage()).isEqualTo(key + "." + bad.field());
        assertThat(e.location()).as("location() of: " + e.getMessage() + " (the location of " + bad.field() + ")").isEqualTo(at);
        assertThat(e.getMessage()).as("the message").contains(at).contains(bad.name());
        return e;
    }

    /**
     * Asserts that {@code validation} refuses {@code block} with the key {@link #UNKNOWN_KEY}
     * added, naming it in {@code field()} and the message and pointing at it in
     * {@code location()} and the message, as {@link PluginConfig#requireOnly} does.
     */
    public static ConfigException refusesUnknownKey(String key, Map<String, Object> block, Validation validation) {
        Map<String, Object> bad = new LinkedHashMap<>(block);
        bad.put(UNKNOWN_KEY, "x");
        PluginConfig config = located(key, bad);
        String at = config.locations().get(UNKNOWN_KEY);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> validation.validate(config));
        assertThat(e).as("validate refuses the unknown key " + UNKNOWN_KEY).isNotNull();
        assertThat(e.getMessage()).as("the message").contains(UNKNOWN_KEY).contains(at);
        assertThat(e.field()).as("field() of: " + e.getMessage()).isEqualTo(key + "." + UNKNOWN_KEY);
        assertThat(e.location()).as("location() of: " + e.getMessage()).isEqualTo(at);
        return e;
    }
}
