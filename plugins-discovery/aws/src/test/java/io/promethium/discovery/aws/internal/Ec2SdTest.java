package io.promethium.discovery.aws.internal;

import io.promethium.api.testing.DiscoveryHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.SigV4Signer;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EC2 SD against {@link FakeCloud}, a loopback stand-in of the EC2 Query API
 * ({@code DescribeAvailabilityZones}, {@code DescribeInstances} with {@code NextToken}), of STS
 * {@code AssumeRole} and of the instance metadata service (IMDSv2), answering XML shaped as AWS
 * documents it. The stand-in checks every request's SigV4 signature by signing it again with the
 * secret it knows for the access key (the library tier's signer, itself checked on AWS's published
 * vectors) and refuses a bad one with {@code AuthFailure}, as EC2 does.
 */
class Ec2SdTest {

    static final String KEY = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private DiscoveryHarness harness;
    private final Map<String, String> secrets = new ConcurrentHashMap<>(Map.of(KEY, SECRET));
    private final Map<String, String> env = new HashMap<>();
    private final List<String> signed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String page2;
    private volatile boolean onlyTemporaryKeys;

    static String resource(String name) throws Exception {
        try (InputStream in = Ec2SdTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    /** AWS's check: the signature the stand-in computes with the key's secret must be the one sent. */
    private boolean signatureValid(FakeCloud.Request r, String service) {
        String authorization = r.authorization();
        if (authorization == null) {
            return false;
        }
        Matcher m = AUTH.matcher(authorization);
        if (!m.matches() || !m.group(4).equals(service) || !m.group(5).equals("content-type;host;x-amz-date"
                + (r.header("X-Amz-Security-Token") == null ? "" : ";x-amz-security-token"))) {
            return false;
        }
        String secret = secrets.get(m.group(1));
        if (secret == null || (onlyTemporaryKeys && service.equals("ec2") && r.header("X-Amz-Security-Token") == null)) {
            return false;
        }
        Instant time = Instant.from(AMZ.parse(r.header("X-Amz-Date")));
        SigV4Signer.Signed expected = new SigV4Signer(m.group(3), service).sign(r.method(), r.uri().getPath(), r.uri().getRawQuery(),
                List.of(Map.entry("Host", r.header("Host")), Map.entry("Content-Type", r.header("Content-Type"))),
                r.body().getBytes(StandardCharsets.UTF_8), new AwsCredentials(m.group(1), secret, r.header("X-Amz-Security-Token")),
                time, false);
        boolean ok = expected.authorization().equals(authorization);
        if (ok) {
            signed.add(m.group(3) + " " + service + " " + m.group(1));
        }
        return ok;
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud = new FakeCloud();
        String page1 = resource("describe-instances-page1.xml");
        page2 = resource("describe-instances-page2.xml");
        String authFailure = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS "
                + "was not able to validate the provided access credentials</Message></Error></Errors><RequestID>ab12</RequestID></Response>";
        // The metadata service and STS AssumeRoleWithWebIdentity take no signature (the token is the proof).
        cloud.authorize(r -> r.uri().getPath().startsWith("/latest/") || r.body().contains("Action=AssumeRoleWithWebIdentity")
                        || signatureValid(r, r.uri().getPath().startsWith("/sts") ? "sts" : "ec2"),
                new FakeCloud.Answer(401, authFailure, Map.of()));
        cloud.route("/", r -> {
            Map<String, String> form = form(r.body());
            return switch (form.get("Action")) {
                case "DescribeAvailabilityZones" -> FakeCloud.Answer.json("<DescribeAvailabilityZonesResponse xmlns=\"http://ec2.amazonaws.com/"
                        + "doc/2016-11-15/\"><availabilityZoneInfo><item><zoneName>eu-west-1a</zoneName><zoneId>euw1-az3</zoneId></item>"
                        + "<item><zoneName>eu-west-1c</zoneName><zoneId>euw1-az2</zoneId></item></availabilityZoneInfo>"
                        + "</DescribeAvailabilityZonesResponse>");
                case "DescribeInstances" -> FakeCloud.Answer.json("eyJ2IjoiMiIsImMiOiJwYWdlMiJ9".equals(form.get("NextToken")) ? page2 : page1);
                default -> new FakeCloud.Answer(400, "<Response><Errors><Error><Code>InvalidAction</Code></Error></Errors></Response>",
                        Map.of());
            };
        });
        harness = new DiscoveryHarness(dir, "ec2-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void stop() {
        harness.close();
        cloud.close();
    }

    private void start(Map<String, Object> extra, long bodyLimit) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("region", "eu-west-1");
        block.put("endpoint", cloud.endpoint().toString());
        block.put("refresh_interval", "300ms");
        block.putAll(extra);
        block.values().removeIf(v -> v == null);
        harness.start(new Ec2DiscovererFactory(env::get, dir.resolve("home"), bodyLimit), "ec2_sd_configs", block);
    }

    private static Map<String, Object> keys() {
        return Map.of("access_key", KEY, "secret_key", SECRET);
    }

    static final Map<String, String> FIRST = new HashMap<>();

    static {
        String p = "__meta_ec2_";
        FIRST.put("__address__", "192.168.1.88:80");
        FIRST.put(p + "instance_id", "i-1234567890abcdef0");
        FIRST.put(p + "region", "eu-west-1");
        FIRST.put(p + "owner_id", "123456789012");
        FIRST.put(p + "default_ipv6_address", "2001:db8:1234:1a00::123");
        FIRST.put(p + "private_ip", "192.168.1.88");
        FIRST.put(p + "private_dns_name", "ip-192-168-1-88.eu-west-1.compute.internal");
        FIRST.put(p + "public_ip", "54.194.252.215");
        FIRST.put(p + "public_dns_name", "ec2-54-194-252-215.eu-west-1.compute.amazonaws.com");
        FIRST.put(p + "primary_ipv6_addresses", ",2001:db8:1234:1a00::123,");
        FIRST.put(p + "ipv6_addresses", ",2001:db8:1234:1a00::123,2001:db8:1234:1a00::456,");
        FIRST.put(p + "ami", "ami-bff32ccc");
        FIRST.put(p + "availability_zone", "eu-west-1c");
        FIRST.put(p + "availability_zone_id", "euw1-az2");
        FIRST.put(p + "instance_state", "running");
        FIRST.put(p + "instance_type", "t2.micro");
        FIRST.put(p + "architecture", "x86_64");
        FIRST.put(p + "vpc_id", "vpc-11112222");
        FIRST.put(p + "primary_subnet_id", "subnet-56f5f633");
        FIRST.put(p + "subnet_id", ",subnet-56f5f633,subnet-99998888,");
        FIRST.put(p + "tag_Name", "web-1");
        FIRST.put(p + "tag_aws_autoscaling_groupName", "web");
    }

    @Test
    void instancesOfEveryPageAreSignedForAndLabelledAsPrometheus() throws Exception {
        start(Map.of("access_key", KEY, "secret_key", SECRET, "filters", List.of(Map.of("name", "tag:env", "values", List.of("prod", "dev")),
                Map.of("name", "instance-state-name", "values", List.of("running"))), "refresh_interval", "5s"),
                Ec2DiscovererFactory.BODY_LIMIT);
        TargetGroup g = harness.await(m -> m.containsKey("eu-west-1")).get("eu-west-1");
        String p = "__meta_ec2_";
        Map<String, String> second = new HashMap<>(Map.of("__address__", "10.0.0.157:80", p + "instance_id", "i-0598c7d356eba48d7",
                p + "region", "eu-west-1", p + "owner_id", "123456789012", p + "private_ip", "10.0.0.157", p + "private_dns_name",
                "ip-10-0-0-157.eu-west-1.compute.internal", p + "platform", "windows", p + "ami", "ami-0abcdef1234567890",
                p + "availability_zone", "eu-west-1a", p + "availability_zone_id", "euw1-az3"));
        second.put(p + "instance_state", "running");
        second.put(p + "instance_type", "c5.large");
        second.put(p + "instance_lifecycle", "spot");
        second.put(p + "architecture", "x86_64");
        assertThat(g.targets()).containsExactly(Labels.fromMap(FIRST), Labels.fromMap(second));
        List<Map<String, String>> bodies = cloud.requests.stream().map(r -> form(r.body())).toList();
        assertThat(bodies.get(0).get("Action")).isEqualTo("DescribeAvailabilityZones");
        assertThat(bodies.get(1)).containsEntry("Action", "DescribeInstances").containsEntry("Version", "2016-11-15")
                .containsEntry("Filter.1.Name", "tag:env").containsEntry("Filter.1.Value.1", "prod").containsEntry("Filter.1.Value.2", "dev")
                .containsEntry("Filter.2.Name", "instance-state-name").containsEntry("Filter.2.Value.1", "running")
                .doesNotContainKey("NextToken");
        assertThat(bodies.get(2)).containsEntry("NextToken", "eyJ2IjoiMiIsImMiOiJwYWdlMiJ9");
        assertThat(signed.get(0)).isEqualTo("eu-west-1 ec2 " + KEY);
    }

    @Test
    void aWrongSecretIsRefusedAsAnAuthFailure() throws Exception {
        start(Map.of("access_key", KEY, "secret_key", "not-the-secret"), Ec2DiscovererFactory.BODY_LIMIT);
        harness.awaitWarning("could not describe instances: POST \"" + cloud.endpoint() + "\": 401 AuthFailure: AWS was not able to validate");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
        assertThat(signed).isEmpty();
    }

    @Test
    void credentialsComeFromTheEnvironmentWithASessionToken() throws Exception {
        secrets.put("ASIAENVEXAMPLE", "envsecret");
        env.put("AWS_ACCESS_KEY_ID", "ASIAENVEXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "envsecret");
        env.put("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEBYaDO");
        env.put("AWS_REGION", "eu-west-1");
        Map<String, Object> block = new HashMap<>();
        block.put("region", null);
        start(block, Ec2DiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("eu-west-1"));
        assertThat(cloud.requests.get(0).header("X-Amz-Security-Token")).isEqualTo("FwoGZXIvYXdzEBYaDO");
        assertThat(signed.get(0)).isEqualTo("eu-west-1 ec2 ASIAENVEXAMPLE");
    }

    @Test
    void credentialsComeFromTheSharedFileUnderTheProfile() throws Exception {
        secrets.put("AKIAPROFILE", "profilesecret");
        Path aws = Files.createDirectories(dir.resolve("home/.aws"));
        Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n\n"
                + "[monitoring]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profilesecret\n");
        start(Map.of("profile", "monitoring"), Ec2DiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("eu-west-1"));
        assertThat(signed.get(0)).isEqualTo("eu-west-1 ec2 AKIAPROFILE");
    }

    @Test
    void withoutKeysTheInstanceMetadataServiceGivesRegionAndRoleCredentialsWithImdsV2() throws Exception {
        secrets.put("ASIAROLE", "rolesecret");
        String token = "AQAEAHtoken==";
        cloud.route("/latest/api/token", r -> r.method().equals("PUT") && "21600".equals(r.header("X-aws-ec2-metadata-token-ttl-seconds"))
                ? new FakeCloud.Answer(200, token, Map.of()) : new FakeCloud.Answer(400, "", Map.of()));
        java.util.function.Function<String, java.util.function.Function<FakeCloud.Request, FakeCloud.Answer>> imds = body -> r ->
                token.equals(r.header("X-aws-ec2-metadata-token")) ? new FakeCloud.Answer(200, body, Map.of())
                        : new FakeCloud.Answer(401, "", Map.of());
        cloud.route("/latest/meta-data/placement/region", imds.apply("eu-west-1"));
        cloud.route("/latest/meta-data/iam/security-credentials/", imds.apply("prometheus-role"));
        cloud.route("/latest/meta-data/iam/security-credentials/prometheus-role", imds.apply("{\"Code\": \"Success\", \"LastUpdated\": "
                + "\"2026-11-23T18:00:00Z\", \"Type\": \"AWS-HMAC\", \"AccessKeyId\": \"ASIAROLE\", \"SecretAccessKey\": \"rolesecret\", "
                + "\"Token\": \"IQoJb3JpZ2luX2VjEB\", \"Expiration\": \"2099-01-01T00:00:00Z\"}"));
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", cloud.endpoint().toString());
        Map<String, Object> block = new HashMap<>();
        block.put("region", null);
        start(block, Ec2DiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("eu-west-1"));
        assertThat(signed.get(0)).isEqualTo("eu-west-1 ec2 ASIAROLE");
        assertThat(cloud.requests.stream().filter(r -> r.uri().getPath().equals("/")).findFirst().orElseThrow().header("X-Amz-Security-Token"))
                .isEqualTo("IQoJb3JpZ2luX2VjEB");
    }

    /**
     * EKS with IRSA: no keys, {@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_ARN} in the
     * environment; the stand-in's STS {@code AssumeRoleWithWebIdentity} checks the token is the
     * file's and answers the role's temporary keys, which sign {@code DescribeInstances}.
     */
    @Test
    void webIdentityFromTheEnvironmentGivesTheRolesCredentials() throws Exception {
        onlyTemporaryKeys = true;
        Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.sa.sig");
        List<Map<String, String>> assumed = new java.util.concurrent.CopyOnWriteArrayList<>();
        cloud.route("/sts/", r -> {
            Map<String, String> form = form(r.body());
            if (r.authorization() != null || !"AssumeRoleWithWebIdentity".equals(form.get("Action"))
                    || !"eyJhbGciOiJSUzI1NiJ9.sa.sig".equals(form.get("WebIdentityToken"))) {
                return new FakeCloud.Answer(400, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code></Error></ErrorResponse>", Map.of());
            }
            assumed.add(form);
            secrets.put("ASIAWEBIDENTITY", "websecret");
            return FakeCloud.Answer.json("<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAWEBIDENTITY</AccessKeyId><SecretAccessKey>websecret"
                    + "</SecretAccessKey><SessionToken>IQoWebToken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                    + "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
        });
        env.put("AWS_ENDPOINT_URL_STS", cloud.endpoint() + "sts/");
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        env.put("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/prometheus");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        start(Map.of(), Ec2DiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("eu-west-1") && m.get("eu-west-1").targets().size() == 2);
        assertThat(assumed).hasSize(1);
        assertThat(assumed.get(0)).containsEntry("RoleArn", "arn:aws:iam::123456789012:role/prometheus");
        assertThat(signed).contains("eu-west-1 ec2 ASIAWEBIDENTITY");
    }

    @Test
    void aRoleIsAssumedThroughStsWithTheExternalId() throws Exception {
        onlyTemporaryKeys = true;
        List<Map<String, String>> assumed = new java.util.concurrent.CopyOnWriteArrayList<>();
        cloud.route("/sts/", r -> {
            assumed.add(form(r.body()));
            secrets.put("ASIAASSUMED", "assumedsecret");
            return FakeCloud.Answer.json("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                    + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/monitor/s</Arn></AssumedRoleUser><Credentials>"
                    + "<AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>assumedsecret</SecretAccessKey><SessionToken>AQoDYXdzEPT"
                    + "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>");
        });
        env.put("AWS_ENDPOINT_URL_STS", cloud.endpoint() + "sts/");
        Map<String, Object> block = new HashMap<>(keys());
        block.put("role_arn", "arn:aws:iam::123456789012:role/monitor");
        block.put("external_id", "ext-42");
        start(block, Ec2DiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("eu-west-1") && m.get("eu-west-1").targets().size() == 2);
        assertThat(assumed).hasSize(1);
        assertThat(assumed.get(0)).containsEntry("Action", "AssumeRole").containsEntry("RoleArn", "arn:aws:iam::123456789012:role/monitor")
                .containsEntry("ExternalId", "ext-42").containsEntry("Version", "2011-06-15");
        assertThat(signed).contains("eu-west-1 sts " + KEY, "eu-west-1 ec2 ASIAASSUMED");
    }

    @Test
    void failuresKeepTheLastTargetsAndThrottlingIsRespected() throws Exception {
        start(keys(), 20_000);
        harness.await(m -> m.containsKey("eu-west-1") && m.get("eu-west-1").targets().size() == 2);
        cloud.fault(new FakeCloud.Answer(503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
                + "</Message></Error></Errors></Response>", Map.of()));
        harness.awaitWarning("503 RequestLimitExceeded");
        cloud.fault(new FakeCloud.Answer(500, "<Response><Errors><Error><Code>InternalError</Code></Error></Errors></Response>", Map.of()));
        harness.awaitWarning("500 InternalError");
        cloud.fault(FakeCloud.Answer.json("<DescribeInstancesResponse><reservationSet>"));
        harness.awaitWarning("the answer is not XML");
        cloud.fault(FakeCloud.Answer.json("<x>" + "y".repeat(30_000) + "</x>"));
        harness.awaitWarning("the answer is larger than 20000 bytes");
        cloud.fault(new FakeCloud.Answer(429, "<Response/>", Map.of("Retry-After", "2")));
        harness.awaitWarning("429 Too Many Requests; retry after 2000 ms");
        long asked = cloud.requests.size();
        Thread.sleep(1000);
        assertThat(cloud.requests.size()).isEqualTo(asked);
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.noUpdates()).isTrue();
        assertThat(harness.groups().get("eu-west-1").targets()).hasSize(2);
        assertThat(harness.warnings().stream().filter(w -> w.contains("500 InternalError")).count()).as("warned once per change").isEqualTo(1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "ec2", "ec2-job")).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aChangedRegionChangesTheTargets() throws Exception {
        start(keys(), Ec2DiscovererFactory.BODY_LIMIT);
        harness.await(m -> m.containsKey("eu-west-1") && m.get("eu-west-1").targets().size() == 2);
        page2 = page2.replaceAll("(?s)<reservationSet>.*</reservationSet>", "<reservationSet/>");
        harness.await(m -> m.get("eu-west-1").targets().size() == 1);
    }

    @Test
    void theSecretKeyIsDeclaredSoTheConfigShowsItMasked() {
        assertThat(new Ec2DiscovererFactory().secretFields()).containsExactly("secret_key");
        assertThat(new LightsailDiscovererFactory().secretFields()).containsExactly("secret_key");
        assertThat(new AwsDiscovererFactory().secretFields()).containsExactly("secret_key");
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        Ec2DiscovererFactory factory = new Ec2DiscovererFactory();
        Map<String, String> at = Map.of("filters[0]", "prometheus.yml:5:9", "endpoint", "prometheus.yml:4:15");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("ec2_sd_configs", Map.of("filters", List.of(Map.of("name", "tag:x"))),
                "prometheus.yml:3:7", at))).hasMessage("prometheus.yml:5:9: EC2 SD configuration filter values cannot be empty");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("ec2_sd_configs", Map.of("endpoint", "ec2.local"), "prometheus.yml:3:7",
                at))).hasMessageStartingWith("prometheus.yml:4:15: endpoint must be a URL");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("ec2_sd_configs", Map.of("role", "x"), "prometheus.yml:3:7", at)))
                .hasMessageContaining("role");
    }
}
