package io.promethium.sigv4;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where the AWS Go SDK v2 ({@code config.LoadDefaultConfig}) finds credentials, region and the
 * FIPS switch, in its order. Credentials:
 * <ol>
 * <li>the keys given in the config ({@code access_key}, {@code secret_key});</li>
 * <li>with a profile given in the config, that profile (below; before the environment: the SDK
 * lets a profile set by the program win);</li>
 * <li>the environment's keys ({@code AWS_ACCESS_KEY_ID} or {@code AWS_ACCESS_KEY},
 * {@code AWS_SECRET_ACCESS_KEY} or {@code AWS_SECRET_KEY}, {@code AWS_SESSION_TOKEN});</li>
 * <li>web identity from the environment ({@code AWS_WEB_IDENTITY_TOKEN_FILE} with
 * {@code AWS_ROLE_ARN} and {@code AWS_ROLE_SESSION_NAME}: EKS's IRSA): STS
 * {@code AssumeRoleWithWebIdentity}, the token file read at each fetch;</li>
 * <li>the profile ({@code AWS_PROFILE}, else {@code AWS_DEFAULT_PROFILE}, else {@code default})
 * of the shared config and credentials files ({@link SharedConfigFiles}).</li>
 * </ol>
 * A profile gives, in this order: its {@code source_profile}'s credentials (resolved the same
 * way, chained; a profile met again in the chain keeps only its own credentials, as the SDK
 * breaks loops); its keys; its {@code credential_source} ({@code Environment},
 * {@code Ec2InstanceMetadata}, {@code EcsContainer}); web identity from its
 * {@code web_identity_token_file} and {@code role_arn}; refused: SSO ({@code sso_session},
 * {@code sso_start_url}, ...), named in the error; its {@code credential_process}; else the
 * container endpoint ({@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} at 169.254.170.2, else
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, with {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}
 * or {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}); else the EC2 instance metadata service (IMDSv2;
 * off with {@code AWS_EC2_METADATA_DISABLED=true}). With a {@code role_arn} (and not web
 * identity), those are the base credentials of STS {@code AssumeRole} ({@code external_id},
 * {@code role_session_name}, {@code duration_seconds}; {@code mfa_serial} is refused: there is
 * no one to type a code). A profile named in the config or by {@code AWS_PROFILE} that neither
 * file has is an error naming it, as the SDK's; the SDK's checks of a profile
 * ({@code source_profile}, {@code credential_source} or {@code web_identity_token_file} without
 * {@code role_arn}, two kinds of credentials in one profile, a missing source profile) give its
 * errors.
 *
 * <p>Region: {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else the profile's
 * {@code region} (not the instance metadata's: the SDK asks it only when told to). FIPS:
 * {@code AWS_USE_FIPS_ENDPOINT}, else the profile's {@code use_fips_endpoint}. STS calls of the
 * chain go to {@link StsAssumeRole#endpoint(String, boolean, UnaryOperator)} for the region
 * the credentials are resolved for.
 *
 * <p>Resolved at each call, so rotated keys and edited files apply; temporary credentials are
 * held by {@code sources} ({@link CredentialSources}) until a few minutes before they expire.
 *
 * @param accessKey the config's access key, or null
 * @param secretKey the config's secret key, or null
 * @param profile the config's profile, or null
 * @param environment the process environment ({@code System::getenv} in production)
 * @param home the user's home folder ({@code user.home})
 * @param sources how temporary credentials are fetched, and where they are held
 */
public record CredentialsChain(String accessKey, String secretKey, String profile, UnaryOperator<String> environment, Path home,
                               CredentialSources sources) {

    public CredentialsChain {
        Objects.requireNonNull(environment, "environment is null");
        Objects.requireNonNull(home, "home is null");
        Objects.requireNonNull(sources, "sources is null");
    }

    /** A chain with {@link CredentialSources#standard()} sources of its own. */
    public CredentialsChain(String accessKey, String secretKey, String profile, UnaryOperator<String> environment, Path home) {
        this(accessKey, secretKey, profile, environment, home, CredentialSources.standard());
    }

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
     * The first credentials found, with the STS calls of the chain made for {@link #region()}.
     *
     * @throws IOException when none are found (the message lists where it looked), a profile
     *     named in the config or by {@code AWS_PROFILE} is in neither shared file, or a source
     *     fails (the message names it)
     */
    public AwsCredentials resolve() throws IOException {
        return resolve(null);
    }

    /**
     * The first credentials found, with the STS calls of the chain (web identity, a profile's
     * role) signed for and sent to {@code region}, else to {@link #region()}.
     *
     * @param region the region of the client the credentials are for, or null
     * @throws IOException as {@link #resolve()}
     * @since 1.4
     */
    public AwsCredentials resolve(String region) throws IOException {
        try {
            return find(region);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while fetching AWS credentials");
        }
    }

    private AwsCredentials find(String region) throws IOException, InterruptedException {
        if (nonEmpty(accessKey) && nonEmpty(secretKey)) {
            return new AwsCredentials(accessKey, secretKey, null);
        }
        SharedConfigFiles files = SharedConfigFiles.of(environment, home);
        if (nonEmpty(profile)) {
            return fromProfile(link(files, profile, new HashSet<>(), true), region, files);
        }
        AwsCredentials keys = environmentKeys();
        if (keys != null) {
            return keys;
        }
        if (env("AWS_WEB_IDENTITY_TOKEN_FILE") != null) {
            return TemporarySources.webIdentity(sources, env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN"),
                    env("AWS_ROLE_SESSION_NAME"), stsRegion(region), useFipsEndpoint(), environment);
        }
        Profile p = files.profile(profileName()) == null && !explicitProfile()
                ? new Profile(profileName(), Map.of(), null) : link(files, profileName(), new HashSet<>(), true);
        return fromProfile(p, region, files);
    }

    /** The environment's keys, or null. */
    private AwsCredentials environmentKeys() {
        String id = env("AWS_ACCESS_KEY_ID") != null ? env("AWS_ACCESS_KEY_ID") : env("AWS_ACCESS_KEY");
        String secret = env("AWS_SECRET_ACCESS_KEY") != null ? env("AWS_SECRET_ACCESS_KEY") : env("AWS_SECRET_KEY");
        return id != null && secret != null ? new AwsCredentials(id, secret, env("AWS_SESSION_TOKEN")) : null;
    }

    private String stsRegion(String region) throws IOException {
        return nonEmpty(region) ? region : region();
    }

    /** A profile with its source profile linked, as the SDK's shared config holds it. */
    private record Profile(String name, Map<String, String> values, Profile source) {

        String get(String key) {
            String v = values.get(key);
            return v == null || v.isEmpty() ? null : v;
        }

        boolean hasKeys() {
            return get("aws_access_key_id") != null && get("aws_secret_access_key") != null;
        }

        boolean sso() {
            return get("sso_session") != null || get("sso_start_url") != null || get("sso_region") != null
                    || get("sso_account_id") != null || get("sso_role_name") != null;
        }

        boolean hasCredentials() {
            return get("source_profile") != null || get("credential_source") != null || get("credential_process") != null
                    || get("web_identity_token_file") != null || sso() || hasKeys();
        }
    }

    private static final List<String> ROLE_KEYS = List.of("role_arn", "external_id", "mfa_serial", "role_session_name", "source_profile");
    private static final List<String> CREDENTIAL_KEYS = List.of("credential_source", "credential_process", "web_identity_token_file",
            "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "sso_account_id", "sso_region", "sso_role_name",
            "sso_start_url");

    /**
     * Profile {@code name} with its {@code source_profile} chain, checked as the SDK checks it
     * ({@code SharedConfig.setFromIniSections}): a profile seen before in the chain loses its
     * role keys; a source profile with keys ends the chain.
     */
    private Profile link(SharedConfigFiles files, String name, Set<String> seen, boolean top) throws IOException {
        Map<String, String> read = files.profile(name);
        if (read == null) {
            throw new IOException("failed to get shared config profile, " + name + " (profile \"" + name + "\" is in neither "
                    + files.credentialsFile() + " nor " + files.configFile() + ")");
        }
        Map<String, String> values = new HashMap<>(read);
        Profile p = new Profile(name, values, null);
        if (seen.contains(name)) {
            ROLE_KEYS.forEach(values::remove);
        } else {
            for (String type : List.of("source_profile", "credential_source", "web_identity_token_file")) {
                if (p.get(type) != null && p.get("role_arn") == null) {
                    throw new IOException("credential type " + type + " requires role_arn, profile " + name);
                }
                if (p.get(type) != null) {
                    break;
                }
            }
        }
        if (!top && p.hasKeys()) {
            return p;
        }
        seen.add(name);
        int kinds = 0;
        for (String kind : List.of("source_profile", "credential_source", "credential_process", "web_identity_token_file")) {
            kinds += p.get(kind) != null ? 1 : 0;
        }
        if (kinds > 1) {
            throw new IOException("only one credential type may be specified per profile: source profile, credential source, "
                    + "credential process, web identity token (profile " + name + ")");
        }
        String sourceName = p.get("source_profile");
        if (sourceName == null) {
            return p;
        }
        CREDENTIAL_KEYS.forEach(values::remove);
        Profile source;
        try {
            source = link(files, sourceName, seen, false);
        } catch (IOException e) {
            if (files.profile(sourceName) == null) {
                throw new IOException("failed to load assume role " + p.get("role_arn") + ", of profile " + sourceName + ", "
                        + e.getMessage(), e);
            }
            throw e;
        }
        if (!source.hasCredentials()) {
            throw new IOException("failed to load assume role " + p.get("role_arn") + ", of profile " + sourceName
                    + ", it has no credentials");
        }
        return new Profile(name, values, source);
    }

    /** A profile's credentials, in the SDK's order ({@code resolveCredsFromProfile}). */
    private AwsCredentials fromProfile(Profile p, String region, SharedConfigFiles files) throws IOException, InterruptedException {
        AwsCredentials base;
        if (p.source() != null) {
            base = fromProfile(p.source(), region, files);
        } else if (p.hasKeys()) {
            base = new AwsCredentials(p.get("aws_access_key_id"), p.get("aws_secret_access_key"), p.get("aws_session_token"));
        } else if (p.get("credential_source") != null) {
            base = fromCredentialSource(p);
        } else if (p.get("web_identity_token_file") != null) {
            return TemporarySources.webIdentity(sources, p.get("web_identity_token_file"), p.get("role_arn"), p.get("role_session_name"),
                    stsRegion(region), useFipsEndpoint(), environment);
        } else if (p.sso()) {
            throw new IOException("profile \"" + p.name() + "\" uses AWS IAM Identity Center (sso_session, sso_start_url, ...): "
                    + "SSO credentials are not supported; use another kind of credentials for this profile");
        } else if (p.get("credential_process") != null) {
            base = TemporarySources.process(sources, p.get("credential_process"));
        } else if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != null) {
            base = TemporarySources.container(sources, sources.ecsEndpoint() + env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), false,
                    environment);
        } else if (env("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null) {
            base = TemporarySources.container(sources, env("AWS_CONTAINER_CREDENTIALS_FULL_URI"), true, environment);
        } else {
            try {
                base = TemporarySources.instanceMetadata(sources, environment, p.values());
            } catch (IOException e) {
                throw new IOException("no AWS credentials: none in the config (access_key, secret_key), in the environment "
                        + "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, "
                        + "AWS_CONTAINER_CREDENTIALS_FULL_URI), for profile \"" + p.name() + "\" in " + files.credentialsFile() + " or "
                        + files.configFile() + ", nor from the EC2 instance metadata service: " + e.getMessage(), e);
            }
        }
        if (p.get("role_arn") == null) {
            return base;
        }
        if (p.get("mfa_serial") != null) {
            throw new IOException("assume role with MFA enabled, but AssumeRoleTokenProvider session option not set. (profile \""
                    + p.name() + "\" has mfa_serial: a server cannot ask for the code)");
        }
        int duration = 0;
        if (p.get("duration_seconds") != null) {
            try {
                duration = Integer.parseInt(p.get("duration_seconds"));
            } catch (NumberFormatException e) {
                duration = 0; // the SDK reads a non-number as 0, which leaves its default
            }
        }
        return TemporarySources.assumeRole(sources, base, p.get("role_arn"), p.get("external_id"), p.get("role_session_name"), duration,
                stsRegion(region), useFipsEndpoint(), environment);
    }

    /** A profile's {@code credential_source}. */
    private AwsCredentials fromCredentialSource(Profile p) throws IOException, InterruptedException {
        switch (p.get("credential_source")) {
            case "Ec2InstanceMetadata" -> {
                return TemporarySources.instanceMetadata(sources, environment, p.values());
            }
            case "Environment" -> {
                AwsCredentials keys = environmentKeys();
                if (keys == null) {
                    throw new IOException("failed to refresh cached credentials, static credentials are empty "
                            + "(credential_source Environment of profile \"" + p.name() + "\": no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
                }
                return keys;
            }
            case "EcsContainer" -> {
                if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == null) {
                    throw new IOException("EcsContainer was specified as the credential_source, but "
                            + "'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' was not set");
                }
                return TemporarySources.container(sources, sources.ecsEndpoint() + env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), false,
                        environment);
            }
            default -> throw new IOException("credential_source values must be EcsContainer, Ec2InstanceMetadata, or Environment");
        }
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
