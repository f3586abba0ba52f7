package io.promethium.sigv4;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where the AWS SDKs find credentials, in their order: the keys given in the config
 * ({@code access_key}, {@code secret_key}); the environment ({@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}); the shared credentials file
 * ({@code AWS_SHARED_CREDENTIALS_FILE}, else {@code ~/.aws/credentials}) under the profile given
 * in the config, else {@code AWS_PROFILE}, else {@code default}. A named profile that the file
 * lacks is an error naming it. Resolved at each call, so rotated keys apply. Instance metadata
 * (EC2 roles) and STS are not part of this chain.
 *
 * @param accessKey the config's access key, or null
 * @param secretKey the config's secret key, or null
 * @param profile the config's profile, or null
 * @param environment the process environment ({@code System::getenv} in production)
 * @param home the user's home folder ({@code user.home})
 */
public record CredentialsChain(String accessKey, String secretKey, String profile, UnaryOperator<String> environment, Path home) {

    /** The chain a process uses: its environment and home folder. */
    public static CredentialsChain of(String accessKey, String secretKey, String profile) {
        return new CredentialsChain(accessKey, secretKey, profile, System::getenv, Path.of(System.getProperty("user.home")));
    }

    /** The region of the environment ({@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}), or null. */
    public String environmentRegion() {
        String r = env("AWS_REGION");
        return r != null ? r : env("AWS_DEFAULT_REGION");
    }

    /**
     * The first credentials found.
     *
     * @throws IOException when none are found (the message lists where it looked) or the
     *     credentials file cannot be read
     */
    public AwsCredentials resolve() throws IOException {
        if (nonEmpty(accessKey) && nonEmpty(secretKey)) {
            return new AwsCredentials(accessKey, secretKey, null);
        }
        String id = env("AWS_ACCESS_KEY_ID");
        String secret = env("AWS_SECRET_ACCESS_KEY");
        if (id != null && secret != null) {
            return new AwsCredentials(id, secret, env("AWS_SESSION_TOKEN"));
        }
        String fileName = env("AWS_SHARED_CREDENTIALS_FILE");
        Path file = fileName != null ? Path.of(fileName) : home.resolve(".aws").resolve("credentials");
        String name = nonEmpty(profile) ? profile : env("AWS_PROFILE") != null ? env("AWS_PROFILE") : "default";
        if (Files.isReadable(file)) {
            Map<String, String> section = profiles(Files.readAllLines(file, StandardCharsets.UTF_8)).get(name);
            if (section != null && section.get("aws_access_key_id") != null && section.get("aws_secret_access_key") != null) {
                return new AwsCredentials(section.get("aws_access_key_id"), section.get("aws_secret_access_key"),
                        section.get("aws_session_token"));
            }
            if (nonEmpty(profile)) {
                throw new IOException("profile \"" + profile + "\" has no aws_access_key_id and aws_secret_access_key in " + file);
            }
        } else if (nonEmpty(profile)) {
            throw new IOException("profile \"" + profile + "\": no shared credentials file " + file);
        }
        throw new IOException("no AWS credentials: none in the config (access_key, secret_key), in the environment "
                + "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or for profile \"" + name + "\" in " + file);
    }

    /** The INI sections of a credentials file: {@code [name]} then {@code key = value} lines; {@code #} and {@code ;} start comments. */
    static Map<String, Map<String, String>> profiles(List<String> lines) {
        Map<String, Map<String, String>> out = new HashMap<>();
        Map<String, String> current = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = out.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> new HashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current != null && eq > 0) {
                current.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private String env(String name) {
        String v = environment.apply(name);
        return nonEmpty(v) ? v : null;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
