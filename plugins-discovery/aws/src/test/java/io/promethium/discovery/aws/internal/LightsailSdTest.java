package io.promethium.discovery.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testsupport.FakeCloud;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lightsail SD against {@link FakeCloud}, a loopback stand-in of Lightsail's JSON API
 * ({@code X-Amz-Target: Lightsail_20161128.GetInstances}, {@code nextPageToken}) answering
 * instances shaped as AWS documents them; it checks every request's SigV4 signature (service
 * {@code lightsail}, {@code x-amz-target} signed) by signing it again with the key's secret and
 * refuses a bad one with {@code UnrecognizedClientException}, as AWS's JSON services do.
 */
class LightsailSdTest extends AwsStandInTest {

    private volatile String page2;

    LightsailSdTest() {
        super("lightsail-job");
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud.authorize(r -> signatureValid(r, "lightsail", "Host", "Content-Type", "X-Amz-Target"),
                new FakeCloud.Answer(400, "{\"__type\": \"UnrecognizedClientException\", "
                + "\"message\": \"The security token included in the request is invalid.\"}", Map.of()));
        String page1 = """
                {"instances": [{"name": "web-1", "arn": "arn:aws:lightsail:eu-west-2:123456789012:Instance/1", "supportCode": "6b3/i-0a1",
                  "location": {"availabilityZone": "eu-west-2a", "regionName": "eu-west-2"}, "blueprintId": "ubuntu_22_04",
                  "bundleId": "nano_3_0", "state": {"code": 16, "name": "running"}, "privateIpAddress": "172.26.1.10",
                  "publicIpAddress": "18.130.1.2", "ipv6Addresses": ["2a05:d01c::1"],
                  "tags": [{"key": "env", "value": "prod"}, {"key": "team-name", "value": "web"}, {"key": "no-value"}]},
                 {"name": "stopped", "state": {"name": "stopped"}}],
                 "nextPageToken": "page-2"}""";
        page2 = """
                {"instances": [{"name": "db-1", "privateIpAddress": "172.26.1.11", "state": {"name": "running"}}]}""";
        cloud.route("/", r -> "Lightsail_20161128.GetInstances".equals(r.header("X-Amz-Target"))
                ? FakeCloud.Answer.json(r.body().contains("page-2") ? page2 : page1)
                : new FakeCloud.Answer(400, "{\"__type\": \"UnknownOperationException\"}", Map.of()));
    }

    private void start(Map<String, Object> extra) throws Exception {
        harness.start(new LightsailDiscovererFactory(name -> null, dir, LightsailDiscovererFactory.BODY_LIMIT), "lightsail_sd_configs",
                standInBlock("eu-west-2", extra));
    }

    @Test
    void instancesOfEveryPageAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of("port", 9100));
        TargetGroup g = harness.await(m -> m.containsKey("eu-west-2")).get("eu-west-2");
        String p = "__meta_lightsail_";
        Map<String, String> first = new HashMap<>(Map.of("__address__", "172.26.1.10:9100", p + "private_ip", "172.26.1.10", p + "region",
                "eu-west-2", p + "availability_zone", "eu-west-2a", p + "blueprint_id", "ubuntu_22_04", p + "bundle_id", "nano_3_0",
                p + "instance_name", "web-1", p + "instance_state", "running", p + "instance_support_code", "6b3/i-0a1",
                p + "public_ip", "18.130.1.2"));
        first.put(p + "ipv6_addresses", ",2a05:d01c::1,");
        first.put(p + "tag_env", "prod");
        first.put(p + "tag_team_name", "web");
        Map<String, String> second = Map.of("__address__", "172.26.1.11:9100", p + "private_ip", "172.26.1.11", p + "region", "eu-west-2",
                p + "instance_name", "db-1", p + "instance_state", "running");
        assertThat(g.targets()).containsExactly(Labels.fromMap(first), Labels.fromMap(second));
        assertThat(cloud.requests.get(0).body()).isEqualTo("{}");
        assertThat(cloud.requests.get(1).body()).isEqualTo("{\"pageToken\":\"page-2\"}");
    }

    @Test
    void aWrongSecretIsRefused() throws Exception {
        start(Map.of("secret_key", "wrong"));
        harness.awaitWarning("400 UnrecognizedClientException: The security token included in the request is invalid.");
        assertThat(harness.groups().values().stream().mapToInt(g -> g.targets().size()).sum()).isZero();
    }

    @Test
    void failuresKeepTheLastTargetsAndAChangeIsSeen() throws Exception {
        start(Map.of("refresh_interval", "300ms"));
        harness.await(m -> m.containsKey("eu-west-2") && m.get("eu-west-2").targets().size() == 2);
        cloud.fault(new FakeCloud.Answer(500, "{\"__type\": \"ServiceException\", \"message\": \"boom\"}", Map.of()));
        harness.awaitWarning("500 ServiceException: boom");
        cloud.fault(FakeCloud.Answer.json("{\"instances\": [garb"));
        harness.awaitWarning("the answer is not JSON");
        cloud.fault(new FakeCloud.Answer(429, "{}", Map.of("Retry-After", "1")));
        harness.awaitWarning("429 Too Many Requests; retry after 1000 ms");
        cloud.fault(null);
        cloud.hang(true);
        harness.awaitWarning("no answer within 300 ms");
        assertThat(harness.groups().get("eu-west-2").targets()).hasSize(2);
        cloud.hang(false);
        page2 = "{\"instances\": []}";
        harness.await(m -> m.get("eu-west-2").targets().size() == 1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "lightsail", "lightsail-job"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        LightsailDiscovererFactory factory = new LightsailDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(new PluginConfig("lightsail_sd_configs", Map.of("filters", List.of()), "prometheus.yml:3:7")))
                .hasMessageContaining("filters");
        assertThatThrownBy(() -> factory.validate(new PluginConfig("lightsail_sd_configs", Map.of("port", 99999), "prometheus.yml:3:7")))
                .hasMessageContaining("port must be between 0 and 65535");
    }
}
