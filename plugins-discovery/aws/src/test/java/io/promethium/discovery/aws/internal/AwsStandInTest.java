package io.promethium.discovery.aws.internal;

import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.SigV4Signer;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of one AWS API's stand-in share: a {@link FakeCloud} (started before, closed
 * after each test; the test adds its routes and its refusal), a {@link DiscoveryHarness} for the
 * job, the SigV4 check the stand-in makes with {@link Ec2SdTest}'s key, and the config block that
 * points the discoverer at the stand-in with that key.
 */
abstract class AwsStandInTest {

    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String job;
    @TempDir
    Path dir;
    FakeCloud cloud;
    DiscoveryHarness harness;

    AwsStandInTest(String job) {
        this.job = job;
    }

    @BeforeEach
    final void startStandIn() throws Exception {
        cloud = new FakeCloud();
        harness = new DiscoveryHarness(dir, job, new HttpConfigClientFactory());
    }

    @AfterEach
    final void stopStandIn() {
        harness.close();
        cloud.close();
    }

    /** Closes the harness and opens a new one for the same job, for a test that starts a second config. */
    final void restartHarness() {
        harness.close();
        harness = new DiscoveryHarness(dir, job, new HttpConfigClientFactory());
    }

    /**
     * AWS's check: the request is signed with {@link Ec2SdTest#KEY} for {@code service}, with the
     * named headers and {@code X-Amz-Date} signed and no more, and the signature the stand-in
     * computes with the key's secret is the one sent.
     */
    static boolean signatureValid(FakeCloud.Request r, String service, String... signedHeaders) {
        Matcher m = Ec2SdTest.AUTH.matcher(r.authorization() == null ? "" : r.authorization());
        List<String> names = new ArrayList<>(List.of("x-amz-date"));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String header : signedHeaders) {
            names.add(header.toLowerCase(Locale.ROOT));
            headers.add(Map.entry(header, r.header(header)));
        }
        names.sort(null);
        if (!m.matches() || !m.group(1).equals(Ec2SdTest.KEY) || !m.group(4).equals(service) || !m.group(5).equals(String.join(";", names))) {
            return false;
        }
        SigV4Signer.Signed expected = new SigV4Signer(m.group(3), service).sign(r.method(), r.uri().getRawPath(), r.uri().getRawQuery(),
                headers, r.body().getBytes(StandardCharsets.UTF_8), new AwsCredentials(Ec2SdTest.KEY, Ec2SdTest.SECRET, null),
                Instant.from(AMZ.parse(r.header("X-Amz-Date"))), false);
        return expected.authorization().equals(r.authorization());
    }

    /** A config block: {@code region}, the stand-in as {@code endpoint}, the test key, refreshed every 2 s; then {@code extra}. */
    final Map<String, Object> standInBlock(String region, Map<String, Object> extra) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("region", region);
        block.put("endpoint", cloud.endpoint().toString());
        block.put("access_key", Ec2SdTest.KEY);
        block.put("secret_key", Ec2SdTest.SECRET);
        block.put("refresh_interval", "2s");
        block.putAll(extra);
        return block;
    }

    /** Starts {@code aws_sd_configs} of {@code role} against the stand-in ({@link #standInBlock}), with {@code env} as the environment. */
    final void startAws(String role, String region, Map<String, Object> extra, UnaryOperator<String> env) throws Exception {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("role", role);
        block.putAll(standInBlock(region, extra));
        harness.start(new AwsDiscovererFactory(env, dir, Ec2DiscovererFactory.BODY_LIMIT), "aws_sd_configs", block);
    }
}
