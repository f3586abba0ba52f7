package io.promethium.discovery.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testsupport.FakeCloud;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code aws_sd_configs} role {@code elasticache} against {@link FakeCloud}, a loopback stand-in
 * of ElastiCache's Query API ({@code DescribeServerlessCaches}, {@code DescribeCacheClusters},
 * {@code ListTagsForResource}, {@code NextToken}/{@code Marker}) answering XML shaped as AWS's
 * ElastiCache API reference documents it, with the cluster of Prometheus's
 * {@code elasticache_test.go}; it checks every request's SigV4 signature (service
 * {@code elasticache}) and refuses a bad one.
 */
class ElasticacheSdTest extends AwsStandInTest {

    private static final String CLUSTER_ARN = "arn:aws:elasticache:us-east-1:123456789012:cluster:my-cluster-001";
    private static final String CACHE_ARN = "arn:aws:elasticache:us-east-1:123456789012:serverlesscache:sessions";

    private static String result(String action, String body) {
        return "<" + action + "Response xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><" + action + "Result>" + body + "</"
                + action + "Result><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></" + action + "Response>";
    }

    ElasticacheSdTest() {
        super("elasticache-job");
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud.authorize(r -> signatureValid(r, "elasticache", "Host", "Content-Type"), new FakeCloud.Answer(403, "<ErrorResponse><Error><Type>Sender"
                + "</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>"
                + "</Error></ErrorResponse>", Map.of()));
        String cluster = """
                <CacheCluster><CacheClusterId>my-cluster-001</CacheClusterId><ARN>%s</ARN><CacheClusterStatus>available</CacheClusterStatus>
                  <Engine>redis</Engine><EngineVersion>7.1</EngineVersion><CacheNodeType>cache.t3.micro</CacheNodeType>
                  <NumCacheNodes>2</NumCacheNodes><CacheClusterCreateTime>2024-01-01T00:00:00.000Z</CacheClusterCreateTime>
                  <ConfigurationEndpoint><Address>my-cluster.abc123.cfg.use1.cache.amazonaws.com</Address><Port>6379</Port></ConfigurationEndpoint>
                  <AtRestEncryptionEnabled>true</AtRestEncryptionEnabled><TransitEncryptionEnabled>true</TransitEncryptionEnabled>
                  <AuthTokenEnabled>true</AuthTokenEnabled><AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade>
                  <CacheSubnetGroupName>my-subnet-group</CacheSubnetGroupName><PreferredAvailabilityZone>us-east-1a</PreferredAvailabilityZone>
                  <SecurityGroups><member><SecurityGroupId>sg-12345</SecurityGroupId><Status>active</Status></member></SecurityGroups>
                  <CacheNodes>
                    <CacheNode><CacheNodeId>0001</CacheNodeId><CacheNodeStatus>available</CacheNodeStatus>
                      <CacheNodeCreateTime>2024-01-01T00:00:00.000Z</CacheNodeCreateTime><CustomerAvailabilityZone>us-east-1a</CustomerAvailabilityZone>
                      <Endpoint><Address>my-cluster-001.abc123.0001.use1.cache.amazonaws.com</Address><Port>6379</Port></Endpoint></CacheNode>
                    <CacheNode><CacheNodeId>0002</CacheNodeId><CacheNodeStatus>available</CacheNodeStatus>
                      <CacheNodeCreateTime>2024-01-01T00:00:00.000Z</CacheNodeCreateTime><CustomerAvailabilityZone>us-east-1b</CustomerAvailabilityZone>
                      <Endpoint><Address>my-cluster-001.abc123.0002.use1.cache.amazonaws.com</Address><Port>6379</Port></Endpoint></CacheNode>
                  </CacheNodes></CacheCluster>""".formatted(CLUSTER_ARN);
        String cache = """
                <member><ServerlessCacheName>sessions</ServerlessCacheName><ARN>%s</ARN><Status>available</Status><Engine>valkey</Engine>
                  <MajorEngineVersion>8</MajorEngineVersion><Endpoint><Address>sessions.serverless.use1.cache.amazonaws.com</Address>
                  <Port>6379</Port></Endpoint><SecurityGroupIds><SecurityGroupId>sg-1</SecurityGroupId></SecurityGroupIds>
                  <CacheUsageLimits><DataStorage><Maximum>10</Maximum><Unit>GB</Unit></DataStorage>
                  <ECPUPerSecond><Minimum>1000</Minimum></ECPUPerSecond></CacheUsageLimits></member>"""
                .formatted(CACHE_ARN);
        cloud.route("/", r -> {
            Map<String, String> form = Ec2SdTest.form(r.body());
            assertThat(form).containsEntry("Version", "2015-02-02");
            String body = switch (form.get("Action")) {
                case "DescribeServerlessCaches" -> form.containsKey("NextToken") ? "<ServerlessCaches>" + cache + "</ServerlessCaches>"
                        : "<ServerlessCaches/><NextToken>t2</NextToken>";
                case "DescribeCacheClusters" -> "<CacheClusters>" + cluster + "</CacheClusters>";
                case "ListTagsForResource" -> form.get("ResourceName").equals(CLUSTER_ARN)
                        ? "<TagList><Tag><Key>Environment</Key><Value>production</Value></Tag><Tag><Key>Application</Key>"
                        + "<Value>web-app</Value></Tag></TagList>" : "<TagList><Tag><Key>team-name</Key><Value>auth</Value></Tag></TagList>";
                default -> throw new IllegalArgumentException(form.get("Action"));
            };
            return new FakeCloud.Answer(200, result(form.get("Action"), body), Map.of("Content-Type", "text/xml"));
        });
    }

    private void start(Map<String, Object> extra) throws Exception {
        startAws("elasticache", "us-east-1", extra, name -> null);
    }

    private static Map<String, String> node(String id, String zone) {
        String c = "__meta_elasticache_cache_cluster_";
        Map<String, String> l = new HashMap<>();
        l.put("__meta_elasticache_deployment_option", "node");
        l.putAll(Map.of(c + "arn", CLUSTER_ARN, c + "cache_cluster_id", "my-cluster-001", c + "cache_cluster_status", "available",
                c + "engine", "redis", c + "engine_version", "7.1", c + "cache_node_type", "cache.t3.micro", c + "num_cache_nodes", "2",
                c + "cache_cluster_create_time", "2024-01-01T00:00:00Z", c + "configuration_endpoint_address",
                "my-cluster.abc123.cfg.use1.cache.amazonaws.com", c + "configuration_endpoint_port", "6379"));
        l.putAll(Map.of(c + "at_rest_encryption_enabled", "true", c + "transit_encryption_enabled", "true", c + "auth_token_enabled", "true",
                c + "auto_minor_version_upgrade", "true", c + "cache_subnet_group_name", "my-subnet-group", c + "preferred_availability_zone",
                "us-east-1a", c + "security_group_membership_id_0", "sg-12345", c + "security_group_membership_status_0", "active",
                c + "tag_Environment", "production", c + "tag_Application", "web-app"));
        String address = "my-cluster-001.abc123." + id + ".use1.cache.amazonaws.com";
        l.putAll(Map.of(c + "node_id", id, c + "node_status", "available", c + "node_create_time", "2024-01-01T00:00:00Z",
                c + "node_availability_zone", zone, c + "node_endpoint_address", address, c + "node_endpoint_port", "6379",
                "__address__", address + ":6379"));
        return l;
    }

    @Test
    void serverlessCachesOfEveryPageAndEachCacheNodeAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of("port", 9121));
        TargetGroup g = harness.await(m -> m.containsKey("us-east-1")).get("us-east-1");
        String s = "__meta_elasticache_serverless_cache_";
        Map<String, String> serverless = new HashMap<>(Map.of("__meta_elasticache_deployment_option", "serverless", s + "arn", CACHE_ARN,
                s + "name", "sessions", s + "status", "available", s + "engine", "valkey", s + "major_engine_version", "8",
                s + "endpoint_address", "sessions.serverless.use1.cache.amazonaws.com", s + "endpoint_port", "6379",
                s + "security_group_id_0", "sg-1"));
        // The usage limits' names as Prometheus 3.14's code forms them (no '_' before maximum, minimum
        // and unit), not as its documentation writes them.
        serverless.put(s + "cache_usage_limit_data_storagemaximum", "10");
        serverless.put(s + "cache_usage_limit_data_storageunit", "GB");
        serverless.put(s + "cache_usage_limit_ecpu_per_secondminimum", "1000");
        serverless.put(s + "tag_team_name", "auth");
        // The endpoint's own port, not the configured one, as Prometheus.
        serverless.put("__address__", "sessions.serverless.use1.cache.amazonaws.com:6379");
        assertThat(g.targets()).containsExactly(Labels.fromMap(serverless), Labels.fromMap(node("0001", "us-east-1a")),
                Labels.fromMap(node("0002", "us-east-1b")));
        Map<String, String> describe = Ec2SdTest.form(cloud.requests.stream().filter(r -> r.body().contains("DescribeCacheClusters"))
                .findFirst().orElseThrow().body());
        assertThat(describe).containsEntry("ShowCacheNodeInfo", "true").containsEntry("MaxRecords", "100");
    }

    @Test
    void configuredArnsAreSplitByKindAndABadSignatureIsRefused() throws Exception {
        start(Map.of("clusters", List.of(CACHE_ARN, "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:my-rg", "not-an-arn")));
        harness.await(m -> m.containsKey("us-east-1"));
        harness.awaitWarning("skipping invalid ElastiCache ARN not-an-arn");
        List<Map<String, String>> forms = cloud.requests.stream().map(r -> Ec2SdTest.form(r.body())).toList();
        assertThat(forms).anySatisfy(f -> assertThat(f).containsEntry("Action", "DescribeServerlessCaches")
                .containsEntry("ServerlessCacheName", "sessions"));
        assertThat(forms).anySatisfy(f -> assertThat(f).containsEntry("Action", "DescribeCacheClusters").containsEntry("CacheClusterId", "my-rg"));
        restartHarness();
        start(Map.of("secret_key", "wrong"));
        harness.awaitWarning("403 InvalidClientTokenId");
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "elasticache", "elasticache-job"))
                .isGreaterThanOrEqualTo(1);
    }
}
