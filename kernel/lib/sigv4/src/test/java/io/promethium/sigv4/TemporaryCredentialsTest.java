package io.promethium.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain's temporary credentials (web identity, the container endpoint, the instance metadata
 * service, a profile's role, {@code credential_process}), their order and their refresh, against
 * {@link AwsStandIn} on loopback (see there why a stand-in) with a clock the test moves.
 */
class TemporaryCredentialsTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/alerts";

    @TempDir
    Path home;

    private AwsStandIn aws;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-02T03:04:05Z"));
    private final Map<String, String> env = new HashMap<>();
    private CredentialSources sources;

    @BeforeEach
    void start() throws IOException {
        aws = new AwsStandIn();
        aws.secrets.put("AKIDBASE", "base-secret");
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        sources = new CredentialSources(HttpClient::newHttpClient, clock, URI.create(aws.base()), Duration.ofSeconds(5));
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_ENDPOINT_URL_STS", aws.base() + "/sts/");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private CredentialsChain chain(String profile) {
        return new CredentialsChain(null, null, profile, env::get, home, sources);
    }

    private Path config(String text) throws IOException {
        Files.createDirectories(home.resolve(".aws"));
        return Files.writeString(home.resolve(".aws/config"), text);
    }

    private Path webIdentityToken(String jwt) throws IOException {
        Path token = home.resolve("token");
        Files.writeString(token, jwt);
        aws.webIdentityTokenFile.set(token);
        return token;
    }

    @Test
    void webIdentityFromTheEnvironmentIsKeptUntilNearExpiryAndTheTokenFileIsReadAgain() throws IOException {
        Path token = webIdentityToken("jwt-1");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        env.put("AWS_ROLE_ARN", ROLE);
        env.put("AWS_ROLE_SESSION_NAME", "promethium-pod");
        AwsCredentials first = chain(null).resolve();
        assertThat(first).isEqualTo(new AwsCredentials("ASIAWEB1", "secret-1", "token-1"));
        assertThat(aws.stsForms.getFirst()).containsEntry("Action", "AssumeRoleWithWebIdentity").containsEntry("RoleArn", ROLE)
                .containsEntry("RoleSessionName", "promethium-pod").containsEntry("WebIdentityToken", "jwt-1")
                .containsEntry("Version", "2011-06-15");
        now.set(Instant.parse("2026-01-02T03:58:00Z"));
        assertThat(chain(null).resolve()).as("6 minutes before expiry: kept").isEqualTo(first);
        Files.writeString(token, "jwt-2");
        now.set(Instant.parse("2026-01-02T04:00:00Z"));
        assertThat(chain(null).resolve().accessKeyId()).as("4 minutes before expiry: fetched with the new token").isEqualTo("ASIAWEB2");
        assertThat(aws.stsForms).hasSize(2);
        assertThat(aws.stsForms.get(1)).containsEntry("WebIdentityToken", "jwt-2");
    }

    @Test
    void theEnvironmentsKeysComeBeforeWebIdentityWhichComesBeforeTheProfile() throws IOException {
        config("[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = f\n");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", webIdentityToken("jwt").toString());
        env.put("AWS_ROLE_ARN", ROLE);
        assertThat(chain(null).resolve().accessKeyId()).isEqualTo("ASIAWEB1");
        assertThat(aws.stsForms.getFirst().get("RoleSessionName")).as("the SDK's default session name: the time in ns")
                .isEqualTo(Long.toString(now.get().getEpochSecond() * 1_000_000_000L));
        env.put("AWS_ACCESS_KEY_ID", "ENVKEY");
        env.put("AWS_SECRET_ACCESS_KEY", "e");
        assertThat(chain(null).resolve().accessKeyId()).isEqualTo("ENVKEY");
        assertThat(chain("default").resolve().accessKeyId()).as("a profile given in the config first").isEqualTo("FILEKEY");
    }

    @Test
    void webIdentityNeedsARoleAndARegion() throws IOException {
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", webIdentityToken("jwt").toString());
        assertThatThrownBy(() -> chain(null).resolve()).hasMessage("role ARN is not set");
        env.put("AWS_ROLE_ARN", ROLE);
        env.remove("AWS_REGION");
        assertThatThrownBy(() -> chain(null).resolve()).hasMessageContaining("AssumeRoleWithWebIdentity")
                .hasMessageContaining("Missing Region");
        assertThat(chain(null).resolve("us-east-2").accessKeyId()).as("the client's region").isEqualTo("ASIAWEB1");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", home.resolve("absent").toString());
        assertThatThrownBy(() -> chain(null).resolve("us-east-2")).hasMessageContaining("failed to retrieve jwt from provide source")
                .hasMessageContaining("absent");
    }

    @Test
    void aProfilesWebIdentityTokenFileAssumesItsRole() throws IOException {
        Path token = webIdentityToken("profile-jwt");
        config("[profile irsa]\nrole_arn = " + ROLE + "\nweb_identity_token_file = " + token + "\nrole_session_name = s1\n");
        assertThat(chain("irsa").resolve().accessKeyId()).isEqualTo("ASIAWEB1");
        assertThat(aws.stsForms.getFirst()).containsEntry("RoleSessionName", "s1").containsEntry("WebIdentityToken", "profile-jwt");
        config("[profile bad]\nweb_identity_token_file = " + token + "\n");
        assertThatThrownBy(() -> chain("bad").resolve()).hasMessage("credential type web_identity_token_file requires role_arn, profile bad");
    }

    @Test
    void theContainerEndpointIsAskedWithTheTokenFileReadAtEachFetch() throws IOException {
        Path tokenFile = Files.writeString(home.resolve("eks-pod-identity-token"), "pod-token-1\n");
        aws.containerToken.set("pod-token-1");
        env.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/ecs/creds");
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/never-asked");
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-the-file-is-set");
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile.toString());
        assertThat(chain(null).resolve()).isEqualTo(new AwsCredentials("ASIAECS1", "secret-1", "token-1"));
        assertThat(chain(null).resolve().accessKeyId()).isEqualTo("ASIAECS1");
        assertThat(aws.containerRequests).hasValue(1);
        Files.writeString(tokenFile, "pod-token-2");
        aws.containerToken.set("pod-token-2");
        now.set(Instant.parse("2026-01-02T04:00:00Z"));
        assertThat(chain(null).resolve().accessKeyId()).isEqualTo("ASIAECS2");
        aws.containerToken.set("other");
        now.set(Instant.parse("2026-01-02T05:00:00Z"));
        assertThatThrownBy(() -> chain(null).resolve()).hasMessageContaining("failed to load credentials, 403 AccessDenied: bad authorization token");
    }

    @Test
    void aFullUriMustBeLoopbackOrTheEcsOrEksAddressOverHttp() throws IOException {
        aws.containerToken.set("t");
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t");
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", aws.base() + "/ecs/creds");
        assertThat(chain(null).resolve().accessKeyId()).isEqualTo("ASIAECS1");
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds");
        assertThatThrownBy(() -> chain(null).resolve()).hasMessage("invalid endpoint host, \"192.0.2.1\", only loopback/ecs/eks hosts are allowed");
    }

    @Test
    void theInstanceMetadataServiceGivesTheRolesCredentialsWithAnImdsV2Token() throws IOException {
        env.remove("AWS_EC2_METADATA_DISABLED");
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", aws.base() + "/imds");
        assertThat(chain(null).resolve()).isEqualTo(new AwsCredentials("ASIAEC21", "secret-1", "token-1"));
        assertThat(chain(null).resolve().accessKeyId()).isEqualTo("ASIAEC21");
        assertThat(aws.imdsRequests).as("token, role, credentials, once").hasValue(3);
        now.set(Instant.parse("2026-01-02T04:00:00Z"));
        assertThat(chain(null).resolve().accessKeyId()).isEqualTo("ASIAEC22");
        assertThat(TemporarySources.metadataEndpoint(Map.of("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")::get, null))
                .isEqualTo(URI.create("http://[fd00:ec2::254]/"));
        assertThat(TemporarySources.metadataEndpoint(k -> null, null)).isEqualTo(URI.create("http://169.254.169.254/"));
    }

    @Test
    void theInstanceMetadataServiceDisabledOrSilentFailsFastSayingWhy() throws IOException {
        long start = System.nanoTime();
        assertThatThrownBy(() -> chain(null).resolve()).hasMessageStartingWith("no AWS credentials")
                .hasMessageContaining("AWS_EC2_METADATA_DISABLED");
        env.remove("AWS_EC2_METADATA_DISABLED");
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Connections are accepted by the kernel and never answered: as a dropped hop to 169.254.169.254.
            env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort());
            assertThatThrownBy(() -> chain(null).resolve()).hasMessageContaining("no EC2 IMDS role found")
                    .hasMessageContaining("no answer within 1000 ms");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5");
        env.remove("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        assertThatThrownBy(() -> chain(null).resolve()).hasMessageContaining("unknown EC2 IMDS endpoint mode, must be either IPv6 or IPv4");
    }

    @Test
    void aProfilesRoleIsAssumedWithItsSourceProfilesCredentialsChained() throws IOException {
        config("""
                [profile base]
                aws_access_key_id = AKIDBASE
                aws_secret_access_key = base-secret
                [profile mid]
                role_arn = arn:aws:iam::123456789012:role/mid
                source_profile = base
                [profile top]
                role_arn = arn:aws:iam::123456789012:role/top
                source_profile = mid
                external_id = ext-1
                role_session_name = promethium
                duration_seconds = 3600
                """);
        assertThat(chain("top").resolve()).isEqualTo(new AwsCredentials("ASIAROLE2", "secret-2", "token-2"));
        assertThat(aws.stsForms).hasSize(2);
        assertThat(aws.stsForms.get(0)).containsEntry("RoleArn", "arn:aws:iam::123456789012:role/mid").containsEntry("DurationSeconds", "900")
                .doesNotContainKey("ExternalId");
        assertThat(aws.stsForms.get(0).get("RoleSessionName")).startsWith("aws-go-sdk-");
        assertThat(aws.stsForms.get(1)).containsEntry("RoleArn", "arn:aws:iam::123456789012:role/top").containsEntry("ExternalId", "ext-1")
                .containsEntry("RoleSessionName", "promethium").containsEntry("DurationSeconds", "3600");
        assertThat(chain("top").resolve().accessKeyId()).as("both held").isEqualTo("ASIAROLE2");
        assertThat(aws.stsForms).hasSize(2);
    }

    @Test
    void sourceProfileLoopsSelfReferenceAndMissingSourcesAreTheSdksErrors() throws IOException {
        config("""
                [profile a]
                role_arn = arn:aws:iam::1:role/a
                source_profile = b
                [profile b]
                role_arn = arn:aws:iam::1:role/b
                source_profile = a
                [profile self]
                role_arn = arn:aws:iam::1:role/self
                source_profile = self
                aws_access_key_id = AKIDBASE
                aws_secret_access_key = base-secret
                [profile orphan]
                role_arn = arn:aws:iam::1:role/o
                source_profile = gone
                [profile two]
                role_arn = arn:aws:iam::1:role/t
                source_profile = self
                credential_process = true
                [profile norole]
                source_profile = self
                """);
        assertThatThrownBy(() -> chain("a").resolve()).hasMessage("failed to load assume role arn:aws:iam::1:role/b, of profile a, it has no credentials");
        assertThat(chain("self").resolve().accessKeyId()).as("its own keys assume its own role").isEqualTo("ASIAROLE1");
        assertThatThrownBy(() -> chain("orphan").resolve()).hasMessageStartingWith(
                "failed to load assume role arn:aws:iam::1:role/o, of profile gone, failed to get shared config profile, gone");
        assertThatThrownBy(() -> chain("two").resolve()).hasMessageStartingWith("only one credential type may be specified per profile");
        assertThatThrownBy(() -> chain("norole").resolve()).hasMessage("credential type source_profile requires role_arn, profile norole");
    }

    @Test
    void credentialSourceEnvironmentEc2AndEcsAreTheRolesBase() throws IOException {
        config("""
                [profile env]
                role_arn = arn:aws:iam::1:role/env
                credential_source = Environment
                [profile ec2]
                role_arn = arn:aws:iam::1:role/ec2
                credential_source = Ec2InstanceMetadata
                [profile ecs]
                role_arn = arn:aws:iam::1:role/ecs
                credential_source = EcsContainer
                [profile odd]
                role_arn = arn:aws:iam::1:role/odd
                credential_source = Lambda
                """);
        assertThatThrownBy(() -> chain("env").resolve()).hasMessageContaining("static credentials are empty");
        env.put("AWS_ACCESS_KEY_ID", "AKIDBASE");
        env.put("AWS_SECRET_ACCESS_KEY", "base-secret");
        assertThat(chain("env").resolve().accessKeyId()).isEqualTo("ASIAROLE1");
        env.remove("AWS_EC2_METADATA_DISABLED");
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", aws.base() + "/imds/");
        assertThat(chain("ec2").resolve().accessKeyId()).as("assumed with the instance role's keys").isEqualTo("ASIAROLE3");
        assertThatThrownBy(() -> chain("ecs").resolve()).hasMessage("EcsContainer was specified as the credential_source, but "
                + "'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' was not set");
        env.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/ecs/creds");
        assertThat(chain("ecs").resolve().accessKeyId()).isEqualTo("ASIAROLE5");
        assertThatThrownBy(() -> chain("odd").resolve()).hasMessage("credential_source values must be EcsContainer, Ec2InstanceMetadata, or Environment");
    }

    @Test
    void mfaAndSsoProfilesAreRefusedNamingThem() throws IOException {
        config("""
                [profile mfa]
                role_arn = arn:aws:iam::1:role/m
                source_profile = keys
                mfa_serial = arn:aws:iam::1:mfa/me
                [profile keys]
                aws_access_key_id = AKIDBASE
                aws_secret_access_key = base-secret
                [profile sso]
                sso_session = corp
                sso_account_id = 1
                sso_role_name = ReadOnly
                """);
        assertThatThrownBy(() -> chain("mfa").resolve()).hasMessageContaining("assume role with MFA enabled")
                .hasMessageContaining("profile \"mfa\" has mfa_serial");
        assertThatThrownBy(() -> chain("sso").resolve()).hasMessageContaining("profile \"sso\" uses AWS IAM Identity Center")
                .hasMessageContaining("not supported");
        assertThat(aws.stsForms).isEmpty();
    }

    @Test
    void credentialProcessOutputIsReadAndRunAgainNearItsExpiration() throws IOException {
        Path count = home.resolve("runs");
        Path script = Files.writeString(home.resolve("creds.sh"), """
                echo run >> "%s"
                printf '{"Version": 1, "AccessKeyId": "ASIAPROC%%s", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-01-02T04:04:05Z"}' "$(wc -l < "%s" | tr -d ' ')"
                """.formatted(count, count));
        config("[profile proc]\ncredential_process = sh " + script + "\n[profile v2]\ncredential_process = echo '{\"Version\": 2}'\n"
                + "[profile fails]\ncredential_process = exit 3\n[profile slow]\ncredential_process = sleep 30\n");
        assertThat(chain("proc").resolve()).isEqualTo(new AwsCredentials("ASIAPROC1", "s", "t"));
        assertThat(chain("proc").resolve().accessKeyId()).isEqualTo("ASIAPROC1");
        now.set(Instant.parse("2026-01-02T04:00:00Z"));
        assertThat(chain("proc").resolve().accessKeyId()).isEqualTo("ASIAPROC2");
        assertThat(Files.readAllLines(count)).hasSize(2);
        assertThatThrownBy(() -> chain("v2").resolve()).hasMessage("error in credential_process, wrong version in process output (not 1)");
        assertThatThrownBy(() -> chain("fails").resolve()).hasMessage("error in credential_process, exit status 3");
        CredentialSources quick = new CredentialSources(HttpClient::newHttpClient, Clock.systemUTC(), URI.create(aws.base()),
                Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> new CredentialsChain(null, null, "slow", env::get, home, quick).resolve())
                .hasMessageContaining("timed out after 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void jsonAnswersAreReadWithEscapesAndNestedValuesLeftOut() throws IOException {
        assertThat(Json.object("{\"a\":\"x\\\"\\u0041\",\"n\":1.5e3,\"b\":true,\"z\":null,\"o\":{\"k\":[1,{\"d\":2}]},\"e\":[]}"))
                .containsEntry("a", "x\"A").containsEntry("n", "1.5e3").containsEntry("b", "true").containsEntry("z", null)
                .doesNotContainKey("o").doesNotContainKey("e");
        assertThatThrownBy(() -> Json.object("{\"a\":tru}")).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> Json.object("[1]")).hasMessageContaining("not a JSON object");
    }
}
