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

/** The EC2 discoverer passes the api's discovery contract against {@link FakeCloud}, a stand-in of the EC2 Query API. */
class TestEc2Discoverer extends AbstractDiscovererContractTest {

    private static final String INSTANCE = "<item><instanceId>i-%d</instanceId><privateIpAddress>10.0.0.%d</privateIpAddress>"
            + "<placement><availabilityZone>eu-west-1a</availabilityZone></placement></item>";

    @TempDir
    Path dir;
    private FakeCloud cloud;
    private volatile String instances;

    private static String answer(String items) {
        return "<DescribeInstancesResponse><reservationSet><item><instancesSet>" + items
                + "</instancesSet></item></reservationSet></DescribeInstancesResponse>";
    }

    @AfterEach
    void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Override
    protected TestPluginContext newContext() throws Exception {
        cloud = new FakeCloud();
        instances = answer(INSTANCE.formatted(1, 1));
        cloud.route("/", r -> FakeCloud.Answer.json(r.body().contains("Action=DescribeInstances") ? instances
                : "<DescribeAvailabilityZonesResponse/>"));
        return new TestPluginContext(dir, "contract", new HttpConfigClientFactory());
    }

    @Override
    protected Ec2DiscovererFactory factory() {
        return new Ec2DiscovererFactory(name -> null, dir, Ec2DiscovererFactory.BODY_LIMIT);
    }

    @Override
    protected Map<String, Object> block() {
        return Map.of("region", "eu-west-1", "endpoint", cloud.endpoint().toString(), "access_key", "AKID", "secret_key", "s",
                "refresh_interval", "500ms");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("refresh_interval", "soon"); // not a duration
    }

    @Override
    protected boolean breakPeer() {
        cloud.fault(new FakeCloud.Answer(500, "<Response><Errors><Error><Code>InternalError</Code></Error></Errors></Response>", Map.of()));
        return true;
    }

    @Override
    protected Set<String> metricNames() {
        return Set.of("prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds");
    }

    @Override
    protected void changeTargets() {
        instances = answer(INSTANCE.formatted(1, 1) + INSTANCE.formatted(2, 2));
    }

    @Override
    protected void removeSource() {
        // The region's one group empties when it has no instances.
        instances = answer("");
    }

    @Override
    protected boolean isFixtureThread(Thread thread) {
        // The JDK's pollers for virtual threads' blocking I/O start on first use.
        String name = thread.getName();
        return super.isFixtureThread(thread) || name.equals("MasterPoller") || name.endsWith("-Poller");
    }
}
