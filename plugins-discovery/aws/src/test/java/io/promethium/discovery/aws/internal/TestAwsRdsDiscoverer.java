package io.promethium.discovery.aws.internal;

import io.promethium.api.discovery.AbstractDiscovererContractTest;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestPluginContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.FakeCloud;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aws_sd_configs} with {@code role: rds} (the discoverer every role but ec2 and lightsail
 * runs on) passes the api's discovery contract against {@link FakeCloud}, a stand-in of RDS's
 * Query API ({@code DescribeDBClusters}, {@code DescribeDBInstances}).
 */
class TestAwsRdsDiscoverer extends AbstractDiscovererContractTest {

    private static final String INSTANCE = "<DBInstance><DBInstanceIdentifier>db-%d</DBInstanceIdentifier>"
            + "<Endpoint><Address>db-%d.example.rds.amazonaws.com</Address><Port>5432</Port></Endpoint></DBInstance>";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String instances;

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        instances = INSTANCE.formatted(1, 1);
        cloud.route("/", r -> {
            String body = r.body();
            if (body.contains("Action=DescribeDBClusters")) {
                return FakeCloud.Answer.json("<DescribeDBClustersResponse><DescribeDBClustersResult><DBClusters><DBCluster>"
                        + "<DBClusterIdentifier>main</DBClusterIdentifier><DBClusterArn>arn:aws:rds:eu-west-1:1:cluster:main</DBClusterArn>"
                        + "</DBCluster></DBClusters></DescribeDBClustersResult></DescribeDBClustersResponse>");
            }
            return FakeCloud.Answer.json("<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances>" + instances
                    + "</DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>");
        });
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected AwsDiscovererFactory factory() {
        return new AwsDiscovererFactory(name -> null, dir, Ec2DiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("role", "rds", "region", "eu-west-1", "endpoint", cloud.endpoint().toString(), "access_key", "AKID",
                "secret_key", "s", "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("role", "nope"); // no such role
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>", Map.of()));
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        instances = INSTANCE.formatted(1, 1) + INSTANCE.formatted(2, 2);
    }

    @Override
    protected void removeSource() {
        // The region's one group empties when its clusters have no instances.
        instances = "";
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
