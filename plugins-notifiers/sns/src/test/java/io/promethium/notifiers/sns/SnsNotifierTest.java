package io.promethium.notifiers.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.GroupKeys;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.sigv4.CredentialsChain;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against {@link SnsStandIn}, a loopback stand-in for the SNS query API that recomputes each
 * request's SigV4 signature as AWS does and answers as AWS documents (PublishResponse, or 403
 * SignatureDoesNotMatch). The parameters are those Alertmanager's SNS notifier (Go SDK v1)
 * sends.
 */
class SnsNotifierTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private SnsStandIn aws;
    private TestNotifierContext context;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        aws = new SnsStandIn(Map.of("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
        server.on("/", aws::answer);
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Map<String, Object> config(String secret, Map<String, Object> more) {
        Map<String, Object> c = new HashMap<>(Map.of("api_url", server.url("/"),
                "sigv4", Map.of("region", "us-east-1", "access_key", "AKIDEXAMPLE", "secret_key", secret)));
        c.putAll(more);
        return c;
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new SnsNotifierFactory(), values, "am.yml:3:5");
    }

    @Test
    void publishToATopicIsSignedAndFormEncodedAsAlertmanagerSendsIt() throws Exception {
        notifier(config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Map.of("topic_arn", TOPIC,
                "attributes", Map.of("severity", "{{ .CommonLabels.alertname }}", "team", "db"))))
                .send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        assertThat(aws.published).hasSize(1);
        Map<String, String> p = aws.published.get(0);
        assertThat(p).containsEntry("Action", "Publish").containsEntry("Version", "2010-03-31").containsEntry("TopicArn", TOPIC)
                .containsEntry("Subject", "[FIRING:1] DiskFull (db1)")
                .containsEntry("MessageAttributes.entry.1.Name", "severity")
                .containsEntry("MessageAttributes.entry.1.Value.DataType", "String")
                .containsEntry("MessageAttributes.entry.1.Value.StringValue", "DiskFull")
                .containsEntry("MessageAttributes.entry.2.Name", "team")
                .doesNotContainKeys("PhoneNumber", "TargetArn", "MessageDeduplicationId");
        assertThat(p.get("Message")).contains("alertname = DiskFull");
        assertThat(new java.util.ArrayList<>(p.keySet())).as("sorted as Go's url.Values.Encode").isSorted();
        RecordingHttpServer.Request r = server.requests().get(0);
        assertThat(r.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded; charset=utf-8");
        assertThat(r.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/us-east-1/sns/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature=");
    }

    @Test
    void withoutKeysInTheConfigTheProfileOfTheSharedCredentialsFileSignsWithItsSessionToken() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("home/.aws"));
        java.nio.file.Files.writeString(dir.resolve("home/.aws/credentials"), "[default]\naws_access_key_id=NOPE\naws_secret_access_key=x\n"
                + "[ops]\naws_access_key_id=AKIDEXAMPLE\naws_secret_access_key=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"
                + "aws_session_token=session-token-1\n");
        PluginConfig block = new PluginConfig("sns_configs", Map.of("api_url", server.url("/"), "topic_arn", TOPIC,
                "sigv4", Map.of("profile", "ops")), "am.yml:3:5");
        SnsNotifierFactory.Settings settings = SnsNotifierFactory.settings(block);
        Map<String, String> env = Map.of("AWS_REGION", "eu-west-1");
        try (SnsNotifier n = new SnsNotifier(settings, context, new HttpConfigClientFactory().create(context.httpConfig(block), dir),
                new CredentialsChain(null, null, "ops", env::get, dir.resolve("home")), null)) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        }
        assertThat(aws.published).hasSize(1);
        RecordingHttpServer.Request r = server.requests().get(0);
        assertThat(r.header("X-Amz-Security-Token")).isEqualTo("session-token-1");
        assertThat(r.header("Authorization")).contains("/eu-west-1/sns/aws4_request").contains("x-amz-security-token");
    }

    @Test
    void roleArnAssumesTheRoleThroughStsWithTheBaseKeysAndSignsThePublishWithTheRoles() throws Exception {
        aws = new SnsStandIn(Map.of("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "ASIAROLEKEY", "role-secret"));
        server.on("/", aws::answer);
        server.on("/sts/", r -> aws.answerSts(r, "ASIAROLEKEY", "role-secret"));
        String role = "arn:aws:iam::123456789012:role/alerts";
        PluginConfig block = new PluginConfig("sns_configs", config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                Map.of("topic_arn", TOPIC, "sigv4", Map.of("region", "us-east-1", "access_key", "AKIDEXAMPLE",
                        "secret_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "role_arn", role, "external_id", "ext-7"))),
                "am.yml:3:5");
        SnsNotifierFactory.Settings settings = SnsNotifierFactory.settings(block);
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_STS", server.url("/sts/"));
        CredentialsChain chain = new CredentialsChain("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", env::get, dir);
        io.promethium.api.http.ConfiguredHttpClient client = new HttpConfigClientFactory().create(context.httpConfig(block), dir);
        try (SnsNotifier n = new SnsNotifier(settings, context, client, chain,
                SnsNotifierFactory.role(settings, chain, client, java.time.Clock.systemUTC()))) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
            n.send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        }
        assertThat(aws.assumed).as("one AssumeRole, its credentials kept for the second send").hasSize(1);
        assertThat(aws.assumed.get(0)).containsEntry("Action", "AssumeRole").containsEntry("RoleArn", role)
                .containsEntry("Version", "2011-06-15").containsKey("RoleSessionName").containsEntry("ExternalId", "ext-7");
        assertThat(aws.published).hasSize(2);
        RecordingHttpServer.Request sts = server.requests().get(0);
        assertThat(sts.path()).isEqualTo("/sts/");
        assertThat(sts.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/us-east-1/sts/aws4_request");
        RecordingHttpServer.Request publish = server.requests().get(1);
        assertThat(publish.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=ASIAROLEKEY/").contains("/us-east-1/sns/");
        assertThat(publish.header("X-Amz-Security-Token")).isEqualTo("role-session-token");
    }

    /**
     * EKS with IRSA: no keys anywhere, {@code AWS_WEB_IDENTITY_TOKEN_FILE} and
     * {@code AWS_ROLE_ARN} set; the notifier gets the role's credentials from STS
     * {@code AssumeRoleWithWebIdentity} (the stand-in's) once and signs both Publishes with them.
     */
    @Test
    void webIdentityFromTheEnvironmentGivesThePublishItsCredentials() throws Exception {
        aws = new SnsStandIn(Map.of("ASIAWEBKEY", "web-secret"));
        java.nio.file.Path token = java.nio.file.Files.writeString(dir.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.pod.sig");
        server.on("/", aws::answer);
        server.on("/sts/", r -> aws.answerWebIdentity(r, token, "ASIAWEBKEY", "web-secret"));
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_STS", server.url("/sts/"), "AWS_WEB_IDENTITY_TOKEN_FILE", token.toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/alertmanager", "AWS_EC2_METADATA_DISABLED", "true");
        PluginConfig block = new PluginConfig("sns_configs", Map.of("api_url", server.url("/"), "topic_arn", TOPIC,
                "sigv4", Map.of("region", "eu-west-1")), "am.yml:3:5");
        try (Notifier n = SnsNotifierFactory.create(block, context, env::get, dir.resolve("no-home"))) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
            n.send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        }
        assertThat(aws.assumed).hasSize(1);
        assertThat(aws.assumed.get(0)).containsEntry("RoleArn", "arn:aws:iam::123456789012:role/alertmanager");
        assertThat(aws.published).hasSize(2);
        RecordingHttpServer.Request publish = server.requests().get(1);
        assertThat(publish.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=ASIAWEBKEY/").contains("/eu-west-1/sns/");
        assertThat(publish.header("X-Amz-Security-Token")).isEqualTo("web-session-token");
    }

    @Test
    void aRefusedAssumeRoleIsARetryableFailureNamingSts() throws Exception {
        server.on("/sts/", r -> SnsStandIn.error(403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole"));
        PluginConfig block = new PluginConfig("sns_configs", config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                Map.of("topic_arn", TOPIC, "sigv4", Map.of("region", "us-east-1", "role_arn", "arn:aws:iam::1:role/x"))), "am.yml:3:5");
        SnsNotifierFactory.Settings settings = SnsNotifierFactory.settings(block);
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_STS", server.url("/sts/"));
        CredentialsChain chain = new CredentialsChain("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", env::get, dir);
        io.promethium.api.http.ConfiguredHttpClient client = new HttpConfigClientFactory().create(context.httpConfig(block), dir);
        try (SnsNotifier n = new SnsNotifier(settings, context, client, chain,
                SnsNotifierFactory.role(settings, chain, client, java.time.Clock.systemUTC()))) {
            assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("operation error STS: AssumeRole: 403 AccessDenied: User is not authorized");
        }
        assertThat(aws.published).isEmpty();
    }

    @Test
    void aWrongSecretKeyIsRefusedByTheServiceWith403AndNotRetried() throws Exception {
        Notifier n = notifier(config("not-the-secret-key", Map.of("topic_arn", TOPIC)));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                .isInstanceOfSatisfying(NotifyException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.statusCode()).hasValue(403);
                })
                .hasMessageContaining("unexpected status code 403 from SNS").hasMessageContaining("SignatureDoesNotMatch: The request signature")
                .hasMessageNotContaining("not-the-secret-key");
        assertThat(aws.published).isEmpty();
    }

    @Test
    void serverErrorsAreRetried() throws Exception {
        server.on("/", r -> SnsStandIn.error(500, "InternalError", "try again"));
        Notifier n = notifier(config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Map.of("topic_arn", TOPIC)));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("InternalError: try again");
    }

    @Test
    void anSmsIsCutTo1600BytesAndMarkedTruncated() throws Exception {
        notifier(config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Map.of("phone_number", "+15555550100", "message", "é".repeat(1000))))
                .send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        Map<String, String> p = aws.published.get(0);
        assertThat(p).containsEntry("PhoneNumber", "+15555550100").containsEntry("MessageAttributes.entry.1.Name", "truncated")
                .containsEntry("MessageAttributes.entry.1.Value.StringValue", "true");
        assertThat(p.get("Message")).isEqualTo("é".repeat(800));
    }

    @Test
    void aFifoTopicGetsTheGroupKeyHashAsDeduplicationAndGroupId() throws Exception {
        notifier(config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Map.of("topic_arn", TOPIC + ".fifo", "target_arn", "", "subject", "")))
                .send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        String hash = GroupKeys.hash(TestNotifications.DISK_FULL_GROUP_KEY);
        assertThat(aws.published.get(0)).containsEntry("MessageDeduplicationId", hash).containsEntry("MessageGroupId", hash)
                .doesNotContainKey("Subject");
    }

    @Test
    void configIsCheckedAsAlertmanagerChecksIt() {
        String s = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        assertThatThrownBy(() -> notifier(config(s, Map.of()))).hasMessageContaining("am.yml:3:5")
                .hasMessageContaining("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config");
        assertThatThrownBy(() -> notifier(config(s, Map.of("topic_arn", TOPIC, "phone_number", "+1"))))
                .hasMessageContaining("must provide either a Target ARN");
        assertThat(SnsNotifierFactory.destinations("t", "p", "a")).as("Alertmanager's check lets all three through").isTrue();
        assertThatThrownBy(() -> notifier(Map.of("topic_arn", TOPIC, "sigv4", Map.of("access_key", "AK"))))
                .hasMessageContaining("must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config");
        assertThatThrownBy(() -> notifier(Map.of("topic_arn", TOPIC, "sigv4", Map.of("external_id", "x"))))
                .hasMessageContaining("external_id").hasMessageContaining("external_id can only be used with role_arn");
        assertThatThrownBy(() -> notifier(Map.of("topic_arn", TOPIC, "sigv4", Map.of("regoin", "x")))).hasMessageContaining("regoin");
        assertThatThrownBy(() -> notifier(Map.of("topic_arn", TOPIC, "subjekt", "x"))).hasMessageContaining("subjekt");
        assertThatThrownBy(() -> notifier(Map.of("topic_arn", TOPIC, "message", "{{ .Oops"))).hasMessageContaining("message:");
    }

    @Test
    void theEndpointIsTheRegionsUnlessApiUrlIsGiven() throws Exception {
        assertThat(SnsNotifier.endpoint("", "eu-west-1", false)).hasToString("https://sns.eu-west-1.amazonaws.com/");
        assertThat(SnsNotifier.endpoint("http://127.0.0.1:9", "eu-west-1", false)).hasToString("http://127.0.0.1:9/");
        assertThat(SnsNotifier.endpoint("", "cn-north-1", false)).hasToString("https://sns.cn-north-1.amazonaws.com.cn/");
        assertThat(SnsNotifier.endpoint("", "eu-west-1", true)).hasToString("https://sns-fips.eu-west-1.amazonaws.com/");
        assertThat(SnsNotifier.endpoint("", "us-gov-west-1", true)).hasToString("https://sns.us-gov-west-1.amazonaws.com/");
        assertThatThrownBy(() -> SnsNotifier.endpoint("http://127.0.0.1:9", "eu-west-1", true))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("FIPS and custom endpoint are not supported");
        assertThat(SnsNotifier.host(java.net.URI.create("https://sns.eu-west-1.amazonaws.com:443/"))).isEqualTo("sns.eu-west-1.amazonaws.com");
        assertThat(SnsNotifier.form(new java.util.TreeMap<>(Map.of("Message", "a b*~")))).isEqualTo("Message=a+b%2A~");
    }

    @Test
    void serviceNameIsTheSigningServiceOfThePublish() throws Exception {
        aws = new SnsStandIn(Map.of("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "execute-api");
        server.on("/", aws::answer);
        notifier(config("", Map.of("topic_arn", TOPIC, "sigv4", Map.of("region", "eu-west-1", "access_key", "AKIDEXAMPLE",
                "secret_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "service_name", "execute-api"))))
                .send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        assertThat(aws.published).hasSize(1);
        assertThat(server.requests().get(0).header("Authorization")).contains("/eu-west-1/execute-api/aws4_request");
    }

    /**
     * The AssumeRole of {@code use_fips_sts_endpoint} goes to {@code sts-fips.<region>}: seen as
     * the target of the CONNECT the client sends to its {@code proxy_url} (a loopback socket that
     * records the request line and closes, so the call fails after it).
     */
    @Test
    void useFipsStsEndpointSendsTheAssumeRoleToTheFipsHost() throws Exception {
        try (java.net.ServerSocket proxy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> connect = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = proxy.accept()) {
                    return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                            .readLine();
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            PluginConfig block = new PluginConfig("sns_configs", config("", Map.of("topic_arn", TOPIC,
                    "http_config", Map.of("proxy_url", "http://127.0.0.1:" + proxy.getLocalPort()),
                    "sigv4", Map.of("region", "us-east-1", "access_key", "AKIDEXAMPLE", "secret_key", "s",
                            "role_arn", "arn:aws:iam::1:role/x", "use_fips_sts_endpoint", true))), "am.yml:3:5");
            try (Notifier n = SnsNotifierFactory.create(block, context, k -> null, dir)) {
                assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                        .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                        .hasMessageContaining("operation error STS: AssumeRole");
            }
            assertThat(connect.get(9, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("CONNECT sts-fips.us-east-1.amazonaws.com:443 HTTP/1.1");
        }
        assertThat(aws.published).isEmpty();
    }

    @Test
    void useFipsStsEndpointWithACustomStsEndpointIsRefusedAsTheSdkRefusesIt() {
        PluginConfig block = new PluginConfig("sns_configs", config("", Map.of("topic_arn", TOPIC,
                "sigv4", Map.of("region", "us-east-1", "role_arn", "arn:aws:iam::1:role/x", "use_fips_sts_endpoint", true))), "am.yml:3:5");
        assertThatThrownBy(() -> SnsNotifierFactory.create(block, context, k -> k.equals("AWS_ENDPOINT_URL_STS") ? "http://127.0.0.1:9/" : null, dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("use_fips_sts_endpoint")
                .hasMessageContaining("FIPS and custom endpoint are not supported");
    }

    @Test
    void useAwsHttpClientKeepsOnlyTheTlsAndProxyFieldsOfHttpConfig() throws Exception {
        Map<String, Object> http = Map.of("http_headers", Map.of("X-Team", Map.of("values", java.util.List.of("db"))));
        String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        Map<String, Object> c = new HashMap<>(config(secret, Map.of("topic_arn", TOPIC, "http_config", http)));
        try (Notifier n = SnsNotifierFactory.create(new PluginConfig("sns_configs", c, "am.yml:3:5"), context, k -> null, dir)) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        }
        c.put("use_aws_http_client", true);
        try (Notifier n = SnsNotifierFactory.create(new PluginConfig("sns_configs", c, "am.yml:3:5"), context, k -> null, dir)) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        }
        assertThat(server.requests().get(0).header("X-Team")).isEqualTo("db");
        assertThat(server.requests().get(1).header("X-Team")).as("the AWS SDK's client does not apply http_headers").isNull();
    }

    /**
     * {@code AWS_CA_BUNDLE} (or the profile's {@code ca_bundle} of the shared config file with
     * {@code use_aws_http_client}) is trusted by the AWS client: an HTTPS stand-in whose CA is
     * only in that bundle is reached; without the bundle the same send fails its TLS handshake.
     */
    @Test
    void theAwsCaBundleIsTrustedByTheAwsHttpClient() throws Exception {
        io.promethium.api.testing.TestCertificates certs = io.promethium.api.testing.TestCertificates.create(java.nio.file.Files.createDirectories(dir.resolve("tls")));
        try (RecordingHttpServer tls = RecordingHttpServer.https(certs.serverContext())) {
            tls.on("/", aws::answer);
            String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
            Map<String, Object> c = new HashMap<>(config(secret, Map.of("topic_arn", TOPIC)));
            c.put("api_url", tls.url("/"));
            try (Notifier n = SnsNotifierFactory.create(new PluginConfig("sns_configs", c, "am.yml:3:5"), context,
                    k -> k.equals("AWS_CA_BUNDLE") ? certs.caPem().toString() : null, dir)) {
                n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
            }
            java.nio.file.Files.createDirectories(dir.resolve("home/.aws"));
            java.nio.file.Files.writeString(dir.resolve("home/.aws/config"), "[default]\nregion = us-east-1\n[profile ops]\nca_bundle = "
                    + certs.caPem() + "\n");
            c.put("use_aws_http_client", true);
            c.put("sigv4", Map.of("region", "us-east-1", "access_key", "AKIDEXAMPLE", "secret_key", secret, "profile", "ops"));
            try (Notifier n = SnsNotifierFactory.create(new PluginConfig("sns_configs", c, "am.yml:3:5"), context, k -> null, dir.resolve("home"))) {
                n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
            }
            assertThat(aws.published).hasSize(2);
            c.remove("use_aws_http_client");
            try (Notifier n = SnsNotifierFactory.create(new PluginConfig("sns_configs", c, "am.yml:3:5"), context, k -> null, dir.resolve("home"))) {
                assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                        .isInstanceOf(NotifyException.class);
            }
        }
        assertThat(aws.published).hasSize(2);
        assertThatThrownBy(() -> SnsNotifierFactory.caBundle("", k -> k.equals("AWS_CA_BUNDLE") ? dir.resolve("none.pem").toString() : null, dir))
                .hasMessageContaining("AWS_CA_BUNDLE").hasMessageContaining("none.pem");
    }

    /**
     * Without {@code sigv4.region}, the region is the environment's, else the profile's in the
     * shared config file named by {@code AWS_CONFIG_FILE} (a temporary file here), as
     * Alertmanager's SDK config load finds it; the Publish is signed for it.
     */
    @Test
    void withoutARegionInTheConfigTheSharedConfigFilesProfileGivesIt() throws Exception {
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("aws-config"),
                "[default]\nregion = us-west-2\n[profile ops]\nregion = eu-central-1\n");
        java.nio.file.Path credentials = java.nio.file.Files.writeString(dir.resolve("aws-credentials"),
                "[ops]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");
        Map<String, String> env = Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", credentials.toString(),
                "AWS_PROFILE", "ops");
        PluginConfig block = new PluginConfig("sns_configs", Map.of("api_url", server.url("/"), "topic_arn", TOPIC), "am.yml:3:5");
        try (Notifier n = SnsNotifierFactory.create(block, context, env::get, dir.resolve("no-home"))) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        }
        assertThat(aws.published).hasSize(1);
        assertThat(server.requests().get(0).header("Authorization")).contains("/eu-central-1/sns/aws4_request");
        Map<String, String> withRegion = new HashMap<>(env);
        withRegion.put("AWS_REGION", "ap-south-1");
        try (Notifier n = SnsNotifierFactory.create(block, context, withRegion::get, dir.resolve("no-home"))) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        }
        assertThat(server.requests().get(1).header("Authorization")).contains("/ap-south-1/sns/aws4_request");
        Map<String, String> gone = new HashMap<>(env);
        gone.put("AWS_PROFILE", "gone");
        try (Notifier n = SnsNotifierFactory.create(block, context, gone::get, dir.resolve("no-home"))) {
            assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("failed to get shared config profile, gone");
        }
    }

    /**
     * {@code use_fips_endpoint} of the shared config file (or {@code AWS_USE_FIPS_ENDPOINT})
     * sends the Publish to {@code sns-fips.<region>}: seen as the target of the CONNECT the
     * client sends to its {@code proxy_url} (a loopback socket that records the request line and
     * closes). With {@code api_url} it is refused as the SDK refuses it.
     */
    @Test
    void useFipsEndpointOfTheSharedConfigFileSendsThePublishToTheFipsHost() throws Exception {
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("aws-config"), "[default]\nuse_fips_endpoint = true\n");
        Map<String, String> env = Map.of("AWS_CONFIG_FILE", config.toString());
        try (java.net.ServerSocket proxy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> connect = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = proxy.accept()) {
                    return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                            .readLine();
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            PluginConfig block = new PluginConfig("sns_configs", Map.of("topic_arn", TOPIC,
                    "http_config", Map.of("proxy_url", "http://127.0.0.1:" + proxy.getLocalPort()),
                    "sigv4", Map.of("region", "us-east-1", "access_key", "AKIDEXAMPLE", "secret_key", "s")), "am.yml:3:5");
            try (Notifier n = SnsNotifierFactory.create(block, context, env::get, dir)) {
                assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                        .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
            }
            assertThat(connect.get(9, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("CONNECT sns-fips.us-east-1.amazonaws.com:443 HTTP/1.1");
        }
        try (Notifier n = notifierWith(env)) {
            assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                    .hasMessageContaining("FIPS and custom endpoint are not supported");
        }
        assertThat(aws.published).isEmpty();
    }

    private Notifier notifierWith(Map<String, String> env) throws ConfigException {
        return SnsNotifierFactory.create(new PluginConfig("sns_configs", config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                Map.of("topic_arn", TOPIC)), "am.yml:3:5"), context, env::get, dir);
    }

    /**
     * A stand-in STS that sends its status and headers and the start of the body, then stalls
     * (no real STS can be made to): the AssumeRole fails by the send's deadline (Alertmanager 0.34
     * gives the STS call the notification's context) instead of holding the notifier, and the
     * send is retried.
     */
    @Test
    void anStsThatStallsInItsBodyFailsTheSendByItsDeadline() throws Exception {
        try (java.net.ServerSocket sts = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = sts.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    for (int matched = 0; matched < 4; ) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                    }
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 600\r\n\r\n"
                            + "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    release.await(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.io.IOException | InterruptedException e) {
                    // the client gave up
                }
            });
            PluginConfig block = new PluginConfig("sns_configs", config("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    Map.of("topic_arn", TOPIC, "sigv4", Map.of("region", "us-east-1", "role_arn", "arn:aws:iam::1:role/x"))), "am.yml:3:5");
            SnsNotifierFactory.Settings settings = SnsNotifierFactory.settings(block);
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + sts.getLocalPort() + "/");
            CredentialsChain chain = new CredentialsChain("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", env::get, dir);
            io.promethium.api.http.ConfiguredHttpClient client = new HttpConfigClientFactory().create(context.httpConfig(block), dir);
            try (SnsNotifier n = new SnsNotifier(settings, context, client, chain,
                    SnsNotifierFactory.role(settings, chain, client, java.time.Clock.systemUTC()))) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusMillis(700)))
                        .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                        .hasMessageContaining("operation error STS: AssumeRole");
                assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("bounded by the 700 ms deadline, not a fixed STS timeout")
                        .isLessThan(java.time.Duration.ofSeconds(5));
            } finally {
                release.countDown();
            }
        }
        assertThat(aws.published).isEmpty();
    }
    /**
     * The AssumeRole's region and endpoint follow the shared config file ({@code AWS_CONFIG_FILE},
     * a temporary file) as it is at each send, as 0.34 loads the SDK config at each
     * notification: after the file's region changes, the role is assumed again, signed for the
     * new region, and the Publish is signed for it; after it turns {@code use_fips_endpoint} on,
     * the AssumeRole would go to the FIPS host, which with {@code AWS_ENDPOINT_URL_STS} the SDK
     * refuses (retried).
     */
    @Test
    void theStsRegionAndFipsSwitchAreReadFromTheSharedConfigFileAtEachSend() throws Exception {
        aws = new SnsStandIn(Map.of("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "ASIAROLEKEY", "role-secret"));
        server.on("/", aws::answer);
        server.on("/sts/", r -> aws.answerSts(r, "ASIAROLEKEY", "role-secret"));
        Path file = java.nio.file.Files.writeString(dir.resolve("aws-config"), "[default]\nregion = eu-west-1\n");
        Map<String, String> env = Map.of("AWS_CONFIG_FILE", file.toString(), "AWS_ENDPOINT_URL_STS", server.url("/sts/"));
        PluginConfig block = new PluginConfig("sns_configs", Map.of("api_url", server.url("/"), "topic_arn", TOPIC,
                "sigv4", Map.of("access_key", "AKIDEXAMPLE", "secret_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                        "role_arn", "arn:aws:iam::1:role/x")), "am.yml:3:5");
        try (Notifier n = SnsNotifierFactory.create(block, context, env::get, dir.resolve("no-home"))) {
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
            java.nio.file.Files.writeString(file, "[default]\nregion = ap-south-1\n");
            n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
            n.send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
            java.nio.file.Files.writeString(file, "[default]\nregion = ap-south-1\nuse_fips_endpoint = true\n");
            assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("FIPS and custom endpoint are not supported");
        }
        assertThat(aws.assumed).as("assumed again when the region changed, kept for the third send").hasSize(2);
        java.util.List<String> auth = server.requests().stream().map(r -> r.path() + " " + r.header("Authorization")).toList();
        assertThat(auth.get(0)).startsWith("/sts/ ").contains("/eu-west-1/sts/aws4_request");
        assertThat(auth.get(1)).startsWith("/ ").contains("/eu-west-1/sns/aws4_request");
        assertThat(auth.get(2)).startsWith("/sts/ ").contains("/ap-south-1/sts/aws4_request");
        assertThat(auth.get(3)).startsWith("/ ").contains("/ap-south-1/sns/aws4_request");
        assertThat(auth.get(4)).startsWith("/ ").contains("/ap-south-1/sns/aws4_request");
        assertThat(auth).hasSize(5);
        assertThat(aws.published).hasSize(3);
    }
}
