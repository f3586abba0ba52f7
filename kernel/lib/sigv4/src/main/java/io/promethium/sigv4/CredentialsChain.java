package io.promethium.sigv4;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where the AWS Go SDK v2 ({@code config.LoadDefaultConfig}) finds credentials, region and the
 * FIPS switch, in its order. Credentials: the keys given in the config ({@code access_key},
 * {@code secret_key}); with a profile given in the config, that profile of the shared files
 * (before the environment: the SDK lets a profile set by the program win); else the
 * environment ({@code AWS_ACCESS_KEY_ID} or {@code AWS_ACCESS_KEY}, {@code AWS_SECRET_ACCESS_KEY}
 * or {@code AWS_SECRET_KEY}, {@code AWS_SESSION_TOKEN}); else the profile ({@code AWS_PROFILE},
 * else {@code AWS_DEFAULT_PROFILE}, else {@code default}) of the shared config and credentials
 * files ({@link SharedConfigFiles}). A profile named in the config or by {@code AWS_PROFILE}
 * that neither file has is an error naming it, as the SDK's. Region: {@code AWS_REGION}, else
 * {@code AWS_DEFAULT_REGION}, else the profile's {@code region}. FIPS:
 * {@code AWS_USE_FIPS_ENDPOINT}, else the profile's {@code use_fips_endpoint}. Resolved at each
 * call, so rotated keys and edited files apply. Not in this chain: instance metadata (EC2
 * roles), a profile's {@code role_arn}/{@code source_profile}, SSO, {@code credential_process},
 * web identity.
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
     * The region as the SDK resolves it when the config gives none: the environment's, else the
     * profile's {@code region} in the shared files; null when none says one.
     *
     * @throws IOException when a profile named in the config or by {@code AWS_PROFILE} is in neither file
     * @since 1.3
     */
    public String region() throws IOException {
        String r = environmentRegion();
        if (r != null) {
            return r;
        }
        Map<String, String> p = profileValues();
        return p == null || !nonEmpty(p.get("region")) ? null : p.get("region");
    }

    /**
     * Whether the SDK would resolve FIPS endpoints: {@code AWS_USE_FIPS_ENDPOINT} ({@code true}
     * or {@code false}, any case), else the profile's {@code use_fips_endpoint} ({@code true} in
     * any case; any other value is false, as the SDK reads it).
     *
     * @throws IOException for another value of {@code AWS_USE_FIPS_ENDPOINT} (the SDK's message),
     *     or a missing named profile
     * @since 1.3
     */
    public boolean useFipsEndpoint() throws IOException {
        String v = env("AWS_USE_FIPS_ENDPOINT");
        if (v != null) {
            if (v.equalsIgnoreCase("true")) {
                return true;
            }
            if (v.equalsIgnoreCase("false")) {
                return false;
            }
            throw new IOException("invalid value for environment variable, AWS_USE_FIPS_ENDPOINT=" + v + ", need true, false");
        }
        Map<String, String> p = profileValues();
        return p != null && "true".equalsIgnoreCase(p.get("use_fips_endpoint"));
    }

    /** The profile read from the shared files: the config's, else {@code AWS_PROFILE}, else {@code AWS_DEFAULT_PROFILE}, else {@code default}. */
    public String profileName() {
        if (nonEmpty(profile)) {
            return profile;
        }
        String p = env("AWS_PROFILE");
        if (p == null) {
            p = env("AWS_DEFAULT_PROFILE");
        }
        return p != null ? p : "default";
    }

    /**
     * The first credentials found.
     *
     * @throws IOException when none are found (the message lists where it looked), or a profile
     *     named in the config or by {@code AWS_PROFILE} is in neither shared file
     */
    public AwsCredentials resolve() throws IOException {
        if (nonEmpty(accessKey) && nonEmpty(secretKey)) {
            return new AwsCredentials(accessKey, secretKey, null);
        }
        if (!nonEmpty(profile)) {
            String id = env("AWS_ACCESS_KEY_ID") != null ? env("AWS_ACCESS_KEY_ID") : env("AWS_ACCESS_KEY");
            String secret = env("AWS_SECRET_ACCESS_KEY") != null ? env("AWS_SECRET_ACCESS_KEY") : env("AWS_SECRET_KEY");
            if (id != null && secret != null) {
                return new AwsCredentials(id, secret, env("AWS_SESSION_TOKEN"));
            }
        }
        Map<String, String> section = profileValues();
        if (section != null && nonEmpty(section.get("aws_access_key_id")) && nonEmpty(section.get("aws_secret_access_key"))) {
            return new AwsCredentials(section.get("aws_access_key_id"), section.get("aws_secret_access_key"),
                    section.get("aws_session_token"));
        }
        SharedConfigFiles files = SharedConfigFiles.of(environment, home);
        if (section != null && explicitProfile()) {
            throw new IOException("profile \"" + profileName() + "\" has no aws_access_key_id and aws_secret_access_key in "
                    + files.credentialsFile() + " or " + files.configFile());
        }
        throw new IOException("no AWS credentials: none in the config (access_key, secret_key), in the environment "
                + "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or for profile \"" + profileName() + "\" in " + files.credentialsFile()
                + " or " + files.configFile());
    }

    /** Whether the profile was named (in the config or by {@code AWS_PROFILE}): the SDK then fails when it is missing. */
    private boolean explicitProfile() {
        return nonEmpty(profile) || env("AWS_PROFILE") != null;
    }

    /** The profile's keys from the shared files, null when it is not there and not named. */
    private Map<String, String> profileValues() throws IOException {
        SharedConfigFiles files = SharedConfigFiles.of(environment, home);
        Map<String, String> p = files.profile(profileName());
        if (p == null && explicitProfile()) {
            throw new IOException("failed to get shared config profile, " + profileName() + " (profile \"" + profileName()
                    + "\" is in neither " + files.credentialsFile() + " nor " + files.configFile() + ")");
        }
        return p;
    }

    private String env(String name) {
        String v = environment.apply(name);
        return nonEmpty(v) ? v : null;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
