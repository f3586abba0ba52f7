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
 * {@code aws_sd_configs} against {@link FakeCloud}: role {@code msk} against a loopback stand-in
 * of MSK's REST-JSON API ({@code ListClustersV2}, {@code DescribeClusterV2}, {@code ListNodes},
 * {@code nextToken}) answering JSON shaped as AWS's Kafka API reference documents it, with the
 * clusters and nodes of Prometheus's {@code msk_test.go}; it checks every request's SigV4
 * signature (service {@code kafka}; AWS's canonical path: the sent, percent-encoded path encoded
 * once more) and refuses a bad one with {@code UnrecognizedClientException}. Role {@code lightsail}
 * shows the dispatch to the existing discoverers; their own tests cover them.
 */
class AwsSdTest extends AwsStandInTest {

    private static final String ARN = "arn:aws:kafka:us-west-2:123456789012:cluster/test-cluster/abc-123";
    private static final String SERVERLESS = "arn:aws:kafka:us-west-2:123456789012:cluster/serverless-cluster/def-456";
    private static final String KRAFT = "arn:aws:kafka:us-west-2:123456789012:cluster/kraft/jkl-012";

    private volatile String kraftNodes;

    AwsSdTest() {
        super("aws-job");
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud.authorize(r -> signatureValid(r, "kafka", "Host"), new FakeCloud.Answer(403, "{\"message\": \"The security token included in the request "
                + "is invalid.\"}", Map.of("X-Amzn-ErrorType", "UnrecognizedClientException:http://internal.amazon.com/coral/")));
        String provisioned = """
                {"clusterName": "test-cluster", "clusterArn": "%s", "state": "ACTIVE", "clusterType": "PROVISIONED",
                 "currentVersion": "1.2.3", "creationTime": "2023-01-01T00:00:00.000Z",
                 "tags": {"Environment": "production", "Team": "platform"},
                 "provisioned": {"currentBrokerSoftwareInfo": {"configurationArn":
                   "arn:aws:kafka:us-west-2:123456789012:configuration/my-config/abc-123", "configurationRevision": 1, "kafkaVersion": "2.8.1"},
                  "numberOfBrokerNodes": 1,
                  "openMonitoring": {"prometheus": {"jmxExporter": {"enabledInBroker": true}, "nodeExporter": {"enabledInBroker": true}}}}}"""
                .formatted(ARN);
        String kraft = """
                {"clusterName": "kraft", "clusterArn": "%s", "state": "ACTIVE", "clusterType": "PROVISIONED", "currentVersion": "K1",
                 "provisioned": {"currentBrokerSoftwareInfo": {"kafkaVersion": "3.7.x.kraft"}}}""".formatted(KRAFT);
        cloud.route("/api/v2/clusters", r -> {
            assertThat(FakeCloud.query(r, "clusterTypeFilter")).isEqualTo("PROVISIONED");
            assertThat(FakeCloud.query(r, "maxResults")).isEqualTo("100");
            return FakeCloud.query(r, "nextToken") == null
                    ? FakeCloud.Answer.json("{\"clusterInfoList\": [" + provisioned + "], \"nextToken\": \"c2\"}")
                    : FakeCloud.Answer.json("{\"clusterInfoList\": [" + kraft + "]}");
        });
        cloud.route("/api/v2/clusters/" + ARN, r -> FakeCloud.Answer.json("{\"clusterInfo\": " + provisioned + "}"));
        cloud.route("/api/v2/clusters/" + SERVERLESS, r -> FakeCloud.Answer.json("""
                {"clusterInfo": {"clusterName": "serverless-cluster", "clusterArn": "%s", "state": "ACTIVE", "clusterType": "SERVERLESS",
                 "currentVersion": "1.0.0", "serverless": {}}}""".formatted(SERVERLESS)));
        cloud.route("/v1/clusters/" + ARN + "/nodes", r -> FakeCloud.Answer.json("""
                {"nodeInfoList": [{"nodeARN": "arn:aws:kafka:us-west-2:123456789012:node/broker-1", "addedToClusterTime": "2023-01-01T00:00:00Z",
                  "instanceType": "kafka.m5.large", "nodeType": "BROKER", "brokerNodeInfo": {"brokerId": 1.0, "clientSubnet": "subnet-12345",
                  "clientVpcIpAddress": "10.0.1.100", "endpoints": ["b-1.test-cluster.abc123.kafka.us-west-2.amazonaws.com"],
                  "attachedENIId": "eni-12345"}}]}"""));
        kraftNodes = """
                {"nodeInfoList": [{"nodeARN": "arn:aws:kafka:us-west-2:123456789012:node/controller-1", "addedToClusterTime": "2024-05-01T00:00:00Z",
                  "instanceType": "kafka.m7g.large", "controllerNodeInfo": {"endpoints": ["c-1.kraft.kafka.us-west-2.amazonaws.com",
                  "c-1b.kraft.kafka.us-west-2.amazonaws.com"]}},
                  {"nodeARN": "zookeeper", "zookeeperNodeInfo": {"endpoints": ["z-1.kraft"]}}]}""";
        cloud.route("/v1/clusters/" + KRAFT + "/nodes", r -> FakeCloud.query(r, "nextToken") == null
                ? FakeCloud.Answer.json("{\"nodeInfoList\": [], \"nextToken\": \"n2\"}")
                : FakeCloud.Answer.json(kraftNodes));
    }

    private void start(Map<String, Object> extra) throws Exception {
        startAws("msk", "us-west-2", extra, name -> null);
    }

    private static Map<String, String> brokerLabels() {
        String p = "__meta_msk_";
        Map<String, String> l = new HashMap<>();
        l.put("__address__", "b-1.test-cluster.abc123.kafka.us-west-2.amazonaws.com:80");
        l.put(p + "cluster_name", "test-cluster");
        l.put(p + "cluster_arn", ARN);
        l.put(p + "cluster_state", "ACTIVE");
        l.put(p + "cluster_type", "PROVISIONED");
        l.put(p + "cluster_version", "1.2.3");
        l.put(p + "cluster_jmx_exporter_enabled", "true");
        l.put(p + "cluster_configuration_arn", "arn:aws:kafka:us-west-2:123456789012:configuration/my-config/abc-123");
        l.put(p + "cluster_configuration_revision", "1");
        l.put(p + "cluster_kafka_version", "2.8.1");
        l.put(p + "cluster_tag_Environment", "production");
        l.put(p + "cluster_tag_Team", "platform");
        l.put(p + "node_type", "BROKER");
        l.put(p + "node_arn", "arn:aws:kafka:us-west-2:123456789012:node/broker-1");
        l.put(p + "node_added_time", "2023-01-01T00:00:00Z");
        l.put(p + "node_instance_type", "kafka.m5.large");
        l.put(p + "node_attached_eni", "eni-12345");
        l.put(p + "broker_id", "1");
        l.put(p + "broker_client_subnet", "subnet-12345");
        l.put(p + "broker_client_vpc_ip", "10.0.1.100");
        l.put(p + "broker_node_exporter_enabled", "true");
        l.put(p + "broker_endpoint_index", "0");
        return l;
    }

    @Test
    void configuredClustersAreDescribedAndServerlessOnesSkippedWithPrometheusLabels() throws Exception {
        start(Map.of("clusters", List.of(ARN, SERVERLESS)));
        TargetGroup g = harness.await(m -> m.containsKey("us-west-2")).get("us-west-2");
        assertThat(g.targets()).containsExactly(Labels.fromMap(brokerLabels()));
        harness.awaitWarning("skipping non-provisioned MSK cluster");
        // The ARN is one path segment: its ':' and '/' percent-encoded, as AWS's SDKs send it.
        assertThat(cloud.requests.get(0).uri().getRawPath())
                .isEqualTo("/api/v2/clusters/arn%3Aaws%3Akafka%3Aus-west-2%3A123456789012%3Acluster%2Ftest-cluster%2Fabc-123");
        assertThat(cloud.count("/api/v2/clusters")).isZero();
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "msk", "aws-job")).isZero();
    }

    @Test
    void everyPageOfClustersAndNodesIsReadAndControllersAreTargetsPerEndpoint() throws Exception {
        start(Map.of("port", 11001));
        TargetGroup g = harness.await(m -> m.containsKey("us-west-2")).get("us-west-2");
        Map<String, String> broker = brokerLabels();
        broker.put("__address__", "b-1.test-cluster.abc123.kafka.us-west-2.amazonaws.com:11001");
        String p = "__meta_msk_";
        Map<String, String> controller = new HashMap<>(Map.of(p + "cluster_name", "kraft", p + "cluster_arn", KRAFT, p + "cluster_state",
                "ACTIVE", p + "cluster_type", "PROVISIONED", p + "cluster_version", "K1", p + "cluster_kafka_version", "3.7.x.kraft",
                p + "node_arn", "arn:aws:kafka:us-west-2:123456789012:node/controller-1", p + "node_added_time", "2024-05-01T00:00:00Z",
                p + "node_instance_type", "kafka.m7g.large", p + "node_type", "CONTROLLER"));
        Map<String, String> first = new HashMap<>(controller);
        first.put(p + "controller_endpoint_index", "0");
        first.put("__address__", "c-1.kraft.kafka.us-west-2.amazonaws.com:11001");
        Map<String, String> second = new HashMap<>(controller);
        second.put(p + "controller_endpoint_index", "1");
        second.put("__address__", "c-1b.kraft.kafka.us-west-2.amazonaws.com:11001");
        assertThat(g.targets()).containsExactly(Labels.fromMap(broker), Labels.fromMap(first), Labels.fromMap(second));
        assertThat(cloud.count("/api/v2/clusters")).isEqualTo(2);
        assertThat(cloud.count("/v1/clusters/" + KRAFT + "/nodes")).isEqualTo(2);
    }

    @Test
    void aWrongSecretIsRefusedAndFailuresKeepTheLastTargets() throws Exception {
        start(Map.of("secret_key", "wrong"));
        harness.awaitWarning("403 UnrecognizedClientException: The security token included in the request is invalid.");
        assertThat(harness.groups()).isEmpty();
        restartHarness();
        start(Map.of("refresh_interval", "300ms"));
        harness.await(m -> m.containsKey("us-west-2") && m.get("us-west-2").targets().size() == 3);
        cloud.fault(new FakeCloud.Answer(429, "{}", Map.of("Retry-After", "1")));
        harness.awaitWarning("429 Too Many Requests; retry after 1000 ms");
        cloud.fault(FakeCloud.Answer.json("{\"clusterInfoList\": [garb"));
        harness.awaitWarning("the answer is not JSON");
        assertThat(harness.groups().get("us-west-2").targets()).hasSize(3);
        kraftNodes = "{\"nodeInfoList\": []}";
        cloud.fault(null);
        harness.await(m -> m.get("us-west-2").targets().size() == 1);
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "msk", "aws-job")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void roleLightsailIsTheLightsailDiscovererReportingAsLightsail() throws Exception {
        cloud.authorize(r -> true, null);
        cloud.route("/", r -> FakeCloud.Answer.json("{\"instances\": [{\"name\": \"web-1\", \"privateIpAddress\": \"172.26.1.10\"}]}"));
        start(Map.of("role", "lightsail", "region", "eu-west-2", "port", 0, "refresh_interval", "0s"));
        TargetGroup g = harness.await(m -> m.containsKey("eu-west-2")).get("eu-west-2");
        // port 0 is Prometheus's "not set": the role's default 80.
        assertThat(g.targets()).containsExactly(Labels.of("__address__", "172.26.1.10:80", "__meta_lightsail_private_ip", "172.26.1.10",
                "__meta_lightsail_region", "eu-west-2", "__meta_lightsail_instance_name", "web-1"));
        assertThat(cloud.requests.get(0).header("X-Amz-Target")).isEqualTo(LightsailDiscoverer.TARGET);
    }

    @Test
    void configIsValidatedWithPrometheusRules() {
        AwsDiscovererFactory factory = new AwsDiscovererFactory();
        assertThatThrownBy(() -> factory.validate(block(Map.of("region", "us-east-1"))))
                .hasMessage("prometheus.yml:3:7: unknown AWS SD role \"\"");
        assertThatThrownBy(() -> factory.validate(block(Map.of("role", "s3"))))
                .hasMessage("prometheus.yml:3:7: unknown AWS SD role \"s3\"");
        assertThatThrownBy(() -> factory.validate(block(Map.of("role", "msk", "request_concurrency", 5))))
                .hasMessageContaining("field request_concurrency not found in aws_sd_configs");
        assertThatThrownBy(() -> factory.validate(block(Map.of("role", "lightsail", "clusters", List.of("a")))))
                .hasMessageContaining("clusters is not used by AWS SD role \"lightsail\"");
        assertThatThrownBy(() -> factory.validate(block(Map.of("role", "msk", "filters", List.of()))))
                .hasMessageContaining("filters is not used by AWS SD role \"msk\"");
        assertThatThrownBy(() -> factory.validate(block(Map.of("role", "ec2", "filters", List.of(Map.of("name", "a"))))))
                .hasMessageContaining("filter values cannot be empty");
        assertThatThrownBy(() -> factory.validate(block(Map.of("role", "msk", "port", 70000))))
                .hasMessageContaining("port must be between 0 and 65535");
        assertThatThrownBy(() -> factory.validate(block(Map.of("role", "ecs", "clusters", "a"))))
                .hasMessageContaining("clusters: expected a list of strings");
    }

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig("aws_sd_configs", values, "prometheus.yml:3:7");
    }
}
