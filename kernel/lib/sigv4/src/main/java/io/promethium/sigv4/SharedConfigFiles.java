package io.promethium.sigv4;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The AWS shared config and credentials files as the Go SDK v2 reads a profile from them
 * ({@code config.LoadSharedConfigProfile}): the config file ({@code AWS_CONFIG_FILE}, else
 * {@code ~/.aws/config}) names profiles {@code [default]} and {@code [profile NAME]} (a
 * {@code [profile default]} replaces {@code [default]}; other sections are not profiles); the
 * credentials file ({@code AWS_SHARED_CREDENTIALS_FILE}, else {@code ~/.aws/credentials}) names
 * them {@code [NAME]} (its {@code [profile NAME]} sections are ignored). A profile's keys are the
 * config file's overridden by the credentials file's; {@code aws_access_key_id} and
 * {@code aws_secret_access_key} are taken from a file only as a pair (with
 * {@code aws_session_token}). A file that is missing or cannot be read counts as empty, as in the
 * SDK.
 *
 * <p>Read by hand: no maintained INI reader is available to the bundle (ini4j is unmaintained,
 * Commons Configuration is not on the platform), and the SDK's own rules (the {@code profile }
 * prefix, merging the two files) would be needed on top of one anyway. The format read:
 * {@code [section]} lines, {@code key = value} lines (keys compared in lower case, values
 * trimmed), whole-line comments starting with {@code #} or {@code ;}, and indented
 * {@code key = value} lines under a key with an empty value (the SDK's nested properties, such
 * as {@code s3 =}), which belong to that key and are not keys of the profile.
 *
 * @param configFile the shared config file
 * @param credentialsFile the shared credentials file
 * @since 1.3
 */
public record SharedConfigFiles(Path configFile, Path credentialsFile) {

    /** The files the SDK reads: {@code AWS_CONFIG_FILE} and {@code AWS_SHARED_CREDENTIALS_FILE}, else those under {@code home/.aws}. */
    public static SharedConfigFiles of(UnaryOperator<String> environment, Path home) {
        String config = environment.apply("AWS_CONFIG_FILE");
        String credentials = environment.apply("AWS_SHARED_CREDENTIALS_FILE");
        return new SharedConfigFiles(config != null && !config.isEmpty() ? Path.of(config) : home.resolve(".aws").resolve("config"),
                credentials != null && !credentials.isEmpty() ? Path.of(credentials) : home.resolve(".aws").resolve("credentials"));
    }

    /**
     * The keys of profile {@code name} (lower-case keys), or null when neither file has it.
     */
    public Map<String, String> profile(String name) {
        Map<String, Map<String, String>> config = new HashMap<>();
        Map<String, String> profileDefault = null;
        for (Map.Entry<String, Map<String, String>> s : sections(configFile).entrySet()) {
            String section = s.getKey();
            if (section.startsWith("profile ")) {
                String profile = section.substring("profile ".length()).strip();
                if (profile.equals("default")) {
                    profileDefault = s.getValue();
                } else {
                    config.put(profile, s.getValue());
                }
            } else if (section.equalsIgnoreCase("default")) {
                config.putIfAbsent("default", s.getValue());
            }
        }
        if (profileDefault != null) {
            config.put("default", profileDefault);
        }
        Map<String, String> fromConfig = config.get(name);
        Map<String, String> fromCredentials = null;
        for (Map.Entry<String, Map<String, String>> s : sections(credentialsFile).entrySet()) {
            if (!s.getKey().startsWith("profile ") && s.getKey().equals(name)) {
                fromCredentials = s.getValue();
            }
        }
        if (fromConfig == null && fromCredentials == null) {
            return null;
        }
        Map<String, String> merged = new LinkedHashMap<>();
        if (fromConfig != null) {
            putAll(merged, fromConfig);
        }
        if (fromCredentials != null) {
            putAll(merged, fromCredentials);
        }
        return merged;
    }

    /** Copies {@code from} over {@code to}, the static keys only as a complete pair (the SDK's merge). */
    private static void putAll(Map<String, String> to, Map<String, String> from) {
        boolean pair = from.containsKey("aws_access_key_id") && from.containsKey("aws_secret_access_key");
        for (Map.Entry<String, String> e : from.entrySet()) {
            boolean staticKey = e.getKey().equals("aws_access_key_id") || e.getKey().equals("aws_secret_access_key")
                    || e.getKey().equals("aws_session_token");
            if (!staticKey || pair) {
                to.put(e.getKey(), e.getValue());
            }
        }
    }

    /** The sections of one file in order; a later section of the same name adds to and overrides the earlier. */
    private static Map<String, Map<String, String>> sections(Path file) {
        List<String> lines;
        try {
            lines = Files.isReadable(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException | java.io.UncheckedIOException e) {
            lines = List.of(); // the SDK skips a file it cannot read
        }
        return parse(lines);
    }

    /** The INI text as sections of keys (see the class comment for what is read). */
    static Map<String, Map<String, String>> parse(List<String> lines) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = null;
        boolean nested = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = out.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> new LinkedHashMap<>());
                nested = false;
                continue;
            }
            boolean indented = Character.isWhitespace(raw.charAt(0));
            if (nested && indented) {
                continue; // a nested property of the key above
            }
            int eq = line.indexOf('=');
            if (current != null && eq > 0) {
                String value = line.substring(eq + 1).strip();
                current.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), value);
                nested = value.isEmpty();
            }
        }
        return out;
    }
}
