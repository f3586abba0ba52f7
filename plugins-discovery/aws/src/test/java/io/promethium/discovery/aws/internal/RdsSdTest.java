package io.promethium.discovery.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testsupport.FakeCloud;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code aws_sd_configs} role {@code rds} against {@link FakeCloud}, a loopback stand-in of RDS's
 * Query API ({@code DescribeDBClusters}, {@code DescribeDBInstances}, {@code Marker}) answering XML
 * shaped as AWS's RDS API reference documents it, with the clusters and instances of Prometheus's
 * {@code rds_test.go}; it checks every request's SigV4 signature (service {@code rds}) and refuses
 * a bad one with {@code SignatureDoesNotMatch}, as RDS does.
 */
class RdsSdTest extends AwsStandInTest {

    private static final String TEST = "arn:aws:rds:us-east-1:123456789012:cluster:test-cluster";
    private static final String PROD = "arn:aws:rds:us-east-1:123456789012:cluster:prod-cluster";

    private static String result(String action, String body) {
        return "<" + action + "Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><" + action + "Result>" + body + "</" + action
                + "Result><ResponseMetadata><RequestId>5e0f9d8a</RequestId></ResponseMetadata></" + action + "Response>";
    }

    RdsSdTest() {
        super("rds-job");
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud.authorize(r -> signatureValid(r, "rds", "Host", "Content-Type"), new FakeCloud.Answer(403, "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/"
                + "2014-10-31/\"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
                + "does not match the signature you provided.</Message></Error><RequestId>1</RequestId></ErrorResponse>", Map.of()));
        String testCluster = """
                <DBCluster><DBClusterArn>%s</DBClusterArn><DBClusterIdentifier>test-cluster</DBClusterIdentifier>
                  <Engine>aurora-postgresql</Engine><EngineVersion>15.4</EngineVersion><Status>available</Status>
                  <Endpoint>test-cluster.cluster-xyz.us-east-1.rds.amazonaws.com</Endpoint><Port>5432</Port>
                  <MasterUsername>admin</MasterUsername><MultiAZ>true</MultiAZ><ClusterCreateTime>2024-01-01T00:00:00.000Z</ClusterCreateTime>
                  <DBClusterMembers><DBClusterMember><DBInstanceIdentifier>test-instance-1</DBInstanceIdentifier>
                    <IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers>
                  <TagList><Tag><Key>Environment</Key><Value>test</Value></Tag></TagList></DBCluster>""".formatted(TEST);
        String prodCluster = """
                <DBCluster><DBClusterArn>%s</DBClusterArn><DBClusterIdentifier>prod-cluster</DBClusterIdentifier>
                  <Engine>aurora-mysql</Engine><Status>available</Status><ActivityStreamStatus>stopped</ActivityStreamStatus>
                  <DBClusterMembers><DBClusterMember><DBInstanceIdentifier>prod-instance-2</DBInstanceIdentifier>
                    <IsClusterWriter>false</IsClusterWriter></DBClusterMember></DBClusterMembers></DBCluster>""".formatted(PROD);
        cloud.route("/", r -> {
            Map<String, String> form = Ec2SdTest.form(r.body());
            assertThat(form).containsEntry("Version", "2014-10-31").containsEntry("MaxRecords", "100");
            return switch (form.get("Action")) {
                case "DescribeDBClusters" -> new FakeCloud.Answer(200, result("DescribeDBClusters", form.containsKey("Marker")
                        ? "<DBClusters>" + prodCluster + "</DBClusters>"
                        : "<DBClusters>" + testCluster + "</DBClusters><Marker>m2</Marker>"), Map.of("Content-Type", "text/xml"));
                case "DescribeDBInstances" -> {
                    assertThat(form).containsEntry("Filters.Filter.1.Name", "db-cluster-id");
                    yield new FakeCloud.Answer(200, result("DescribeDBInstances", "<DBInstances>" + (form.get("Filters.Filter.1.Values.Value.1")
                            .equals(TEST) ? """
                            <DBInstance><DBInstanceArn>arn:aws:rds:us-east-1:123456789012:db:test-instance-1</DBInstanceArn>
                              <DBInstanceIdentifier>test-instance-1</DBInstanceIdentifier><DBInstanceClass>db.r5.large</DBInstanceClass>
                              <DBInstanceStatus>available</DBInstanceStatus><Engine>aurora-postgresql</Engine><EngineVersion>15.4</EngineVersion>
                              <AvailabilityZone>us-east-1a</AvailabilityZone><DBClusterIdentifier>test-cluster</DBClusterIdentifier>
                              <PubliclyAccessible>false</PubliclyAccessible><InstanceCreateTime>2024-01-01T00:00:00.250Z</InstanceCreateTime>
                              <Endpoint><Address>test-instance-1.xyz.us-east-1.rds.amazonaws.com</Address><Port>5432</Port>
                                <HostedZoneId>Z2R2ITUGPM61AM</HostedZoneId></Endpoint>
                              <TagList><Tag><Key>Name</Key><Value>test-instance</Value></Tag></TagList></DBInstance>"""
                            : """
                            <DBInstance><DBInstanceIdentifier>prod-instance-2</DBInstanceIdentifier><DBInstanceStatus>creating</DBInstanceStatus>
                              <DBSubnetGroup><DBSubnetGroupName>private</DBSubnetGroupName></DBSubnetGroup></DBInstance>""")
                            + "</DBInstances>"), Map.of("Content-Type", "text/xml"));
                }
                default -> new FakeCloud.Answer(400, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>", Map.of());
            };
        });
    }

    private void start(Map<String, Object> extra) throws Exception {
        startAws("rds", "us-east-1", extra, name -> null);
    }

    @Test
    void everyClusterPageAndItsInstancesAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of("port", 5432, "filters", List.of(Map.of("name", "engine", "values", List.of("aurora-postgresql", "aurora-mysql")))));
        TargetGroup g = harness.await(m -> m.containsKey("us-east-1")).get("us-east-1");
        String c = "__meta_rds_cluster_";
        String i = "__meta_rds_instance_";
        Map<String, String> first = new HashMap<>();
        first.put("__address__", "test-instance-1.xyz.us-east-1.rds.amazonaws.com:5432");
        first.putAll(Map.of(c + "arn", TEST, c + "identifier", "test-cluster", c + "engine", "aurora-postgresql", c + "engine_version", "15.4",
                c + "status", "available", c + "endpoint", "test-cluster.cluster-xyz.us-east-1.rds.amazonaws.com", c + "port", "5432",
                c + "master_username", "admin", c + "multi_az", "true", c + "cluster_create_time", "2024-01-01T00:00:00Z"));
        first.put(c + "tag_Environment", "test");
        first.putAll(Map.of(i + "arn", "arn:aws:rds:us-east-1:123456789012:db:test-instance-1", i + "identifier", "test-instance-1",
                i + "is_cluster_writer", "true", i + "class", "db.r5.large", i + "status", "available", i + "engine", "aurora-postgresql",
                i + "engine_version", "15.4", i + "availability_zone", "us-east-1a", i + "db_cluster_identifier", "test-cluster",
                i + "publicly_accessible", "false"));
        first.putAll(Map.of(i + "instance_create_time", "2024-01-01T00:00:00Z", i + "endpoint_address",
                "test-instance-1.xyz.us-east-1.rds.amazonaws.com", i + "endpoint_port", "5432", i + "endpoint_hosted_zone_id", "Z2R2ITUGPM61AM",
                i + "tag_Name", "test-instance"));
        // No endpoint yet: a target without __address__, as Prometheus.
        Map<String, String> second = Map.of(c + "arn", PROD, c + "identifier", "prod-cluster", c + "engine", "aurora-mysql", c + "status",
                "available", c + "activity_stream_status", "stopped", i + "identifier", "prod-instance-2", i + "is_cluster_writer", "false",
                i + "status", "creating", i + "subnet_group", "private");
        assertThat(g.targets()).containsExactly(Labels.fromMap(first), Labels.fromMap(second));
        Map<String, String> instances = Ec2SdTest.form(cloud.requests.get(2).body());
        assertThat(instances).containsEntry("Action", "DescribeDBInstances").containsEntry("Filters.Filter.1.Values.Value.1", TEST)
                .containsEntry("Filters.Filter.2.Name", "engine").containsEntry("Filters.Filter.2.Values.Value.2", "aurora-mysql");
        assertThat(Ec2SdTest.form(cloud.requests.get(1).body())).containsEntry("Marker", "m2");
    }

    @Test
    void aConfiguredClusterThatIsNotFoundFailsTheRefreshAndABadSignatureIsRefused() throws Exception {
        cloud.route("/", r -> new FakeCloud.Answer(200, result("DescribeDBClusters", "<DBClusters/>"), Map.of()));
        start(Map.of("clusters", List.of("gone")));
        harness.awaitWarning("no DB cluster found for ARN gone");
        assertThat(Ec2SdTest.form(cloud.requests.get(0).body())).containsEntry("DBClusterIdentifier", "gone");
        restartHarness();
        start(Map.of("secret_key", "wrong"));
        harness.awaitWarning("403 SignatureDoesNotMatch: The request signature we calculated does not match");
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "rds", "rds-job")).isGreaterThanOrEqualTo(1);
    }
    @Test
    void rdsSdConfigsIsTheRdsRoleAsAMechanismOfItsOwnWithItsOwnKeys() throws Exception {
        // Prometheus 3.14 registers rds_sd_configs (RDSSDConfig) beside aws_sd_configs' role.
        Map<String, Object> block = new LinkedHashMap<>(standInBlock("us-east-1", Map.of("port", 5432, "request_concurrency", 3,
                "filters", List.of(Map.of("name", "engine", "values", List.of("aurora-postgresql"))))));
        harness.start(new RdsDiscovererFactory(name -> null, dir, Ec2DiscovererFactory.BODY_LIMIT), "rds_sd_configs", block);
        TargetGroup g = harness.await(m -> m.containsKey("us-east-1") && m.get("us-east-1").targets().size() == 2).get("us-east-1");
        assertThat(g.targets().get(0).get("__address__")).isEqualTo("test-instance-1.xyz.us-east-1.rds.amazonaws.com:5432");
        assertThat(g.targets().get(0).get("__meta_rds_instance_tag_Name")).isEqualTo("test-instance");
        assertThat(Ec2SdTest.form(cloud.requests.get(2).body())).containsEntry("Filters.Filter.2.Name", "engine");
        assertThat(harness.context().metrics().count("prometheus_sd_refresh_duration_seconds", "rds", "rds-job")).isGreaterThanOrEqualTo(1);
        assertThat(new RdsDiscovererFactory().type()).isEqualTo("rds");
        assertThat(new RdsDiscovererFactory().secretFields()).containsExactly("secret_key");
    }

    @Test
    void theStandaloneRoleBlocksTakePrometheusKeysAndRefuseOthersNamingWhere() {
        Map<String, String> at = Map.of("role", "prometheus.yml:5:9", "filters", "prometheus.yml:6:9", "request_concurrency",
                "prometheus.yml:7:9", "refresh_interval", "prometheus.yml:8:9");
        for (RoleDiscovererFactory factory : List.of(new EcsDiscovererFactory(), new ElasticacheDiscovererFactory(), new MskDiscovererFactory(),
                new RdsDiscovererFactory())) {
            String key = factory.type() + "_sd_configs";
            assertThatCode(() -> factory.validate(new PluginConfig(key, Map.of("region", "us-east-1", "clusters", List.of("a"),
                    "request_concurrency", 5, "port", 0, "profile", "p", "role_arn", "arn:aws:iam::1:role/r", "external_id", "x"),
                    "prometheus.yml:3:7", at))).doesNotThrowAnyException();
            assertThatThrownBy(() -> factory.validate(new PluginConfig(key, Map.of("role", "ecs"), "prometheus.yml:3:7", at)))
                    .hasMessageStartingWith("prometheus.yml:5:9: field role not found in " + key);
            assertThatThrownBy(() -> factory.validate(new PluginConfig(key, Map.of("request_concurrency", 0), "prometheus.yml:3:7", at)))
                    .hasMessageStartingWith("prometheus.yml:7:9: request_concurrency must not be 0");
            assertThatThrownBy(() -> factory.validate(new PluginConfig(key, Map.of("refresh_interval", "0s"), "prometheus.yml:3:7", at)))
                    .hasMessageStartingWith("prometheus.yml:8:9: refresh_interval must be greater than 0");
        }
        Map<String, Object> filters = Map.of("filters", List.of(Map.of("name", "n", "values", List.of("v"))));
        assertThatThrownBy(() -> new EcsDiscovererFactory().validate(new PluginConfig("ecs_sd_configs", filters, "prometheus.yml:3:7", at)))
                .hasMessageStartingWith("prometheus.yml:6:9: field filters not found in ecs_sd_configs");
        assertThatCode(() -> new RdsDiscovererFactory().validate(new PluginConfig("rds_sd_configs", filters, "prometheus.yml:3:7", at)))
                .doesNotThrowAnyException();
    }
}
