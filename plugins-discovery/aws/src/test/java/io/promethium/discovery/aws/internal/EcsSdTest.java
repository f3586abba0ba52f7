package io.promethium.discovery.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.testsupport.FakeCloud;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code aws_sd_configs} role {@code ecs} against {@link FakeCloud}, a loopback stand-in of ECS's
 * JSON API ({@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.*}: list and describe
 * clusters, services, tasks, container instances, {@code nextToken}) and of EC2's Query API
 * ({@code DescribeInstances}, {@code DescribeNetworkInterfaces}, reached through
 * {@code AWS_ENDPOINT_URL_EC2}), answering as AWS's API references document them, with the
 * Fargate task of Prometheus's {@code ecs_test.go} and a bridge-mode task on an EC2 host; it
 * checks every request's SigV4 signature (services {@code ecs} and {@code ec2}) and refuses a bad
 * one with {@code UnrecognizedClientException}.
 */
class EcsSdTest extends AwsStandInTest {

    private static final String CLUSTER = "arn:aws:ecs:us-west-2:123456789012:cluster/test-cluster";
    private static final String INSTANCE = "arn:aws:ecs:us-west-2:123456789012:container-instance/test-cluster/ci-1";

    private static FakeCloud.Answer ecs(String operation, JsonNode body) {
        return FakeCloud.Answer.json(switch (operation) {
            case "ListClusters" -> "{\"clusterArns\": [\"" + CLUSTER + "\"]}";
            case "DescribeClusters" -> """
                    {"clusters": [{"clusterName": "test-cluster", "clusterArn": "%s", "status": "ACTIVE",
                      "tags": [{"key": "Environment", "value": "test"}]}], "failures": []}""".formatted(CLUSTER);
            case "ListServices" -> "{\"serviceArns\": [\"arn:aws:ecs:us-west-2:123456789012:service/test-cluster/web-service\"]}";
            case "DescribeServices" -> """
                    {"services": [{"serviceName": "web-service", "serviceArn": "arn:aws:ecs:us-west-2:123456789012:service/test-cluster/web-service",
                      "clusterArn": "%s", "status": "ACTIVE", "tags": [{"key": "App", "value": "web"}]}]}""".formatted(CLUSTER);
            case "ListTasks" -> body.has("nextToken")
                    ? "{\"taskArns\": [\"arn:aws:ecs:us-west-2:123456789012:task/test-cluster/task-2\"]}"
                    : "{\"taskArns\": [\"arn:aws:ecs:us-west-2:123456789012:task/test-cluster/task-1\"], \"nextToken\": \"t2\"}";
            case "DescribeTasks" -> """
                    {"tasks": [{"taskArn": "arn:aws:ecs:us-west-2:123456789012:task/test-cluster/task-1", "clusterArn": "%1$s",
                       "taskDefinitionArn": "arn:aws:ecs:us-west-2:123456789012:task-definition/web-task:1", "group": "service:web-service",
                       "launchType": "FARGATE", "lastStatus": "RUNNING", "desiredStatus": "RUNNING", "healthStatus": "HEALTHY",
                       "availabilityZone": "us-west-2a", "platformFamily": "Linux", "platformVersion": "1.4.0",
                       "attachments": [{"type": "ElasticNetworkInterface", "details": [{"name": "subnetId", "value": "subnet-12345"},
                         {"name": "privateIPv4Address", "value": "10.0.1.100"}, {"name": "networkInterfaceId", "value": "eni-fargate-123"}]}],
                       "tags": [{"key": "Version", "value": "v1.0"}]},
                      {"taskArn": "arn:aws:ecs:us-west-2:123456789012:task/test-cluster/task-2", "clusterArn": "%1$s",
                       "group": "batch", "launchType": "EC2", "lastStatus": "RUNNING", "healthStatus": "UNKNOWN",
                       "containerInstanceArn": "%2$s", "attachments": []}]}""".formatted(CLUSTER, INSTANCE);
            case "DescribeContainerInstances" -> "{\"containerInstances\": [{\"containerInstanceArn\": \"" + INSTANCE
                    + "\", \"ec2InstanceId\": \"i-0abc\"}]}";
            default -> throw new IllegalArgumentException(operation);
        });
    }

    EcsSdTest() {
        super("ecs-job");
    }

    @BeforeEach
    void startCloud() throws Exception {
        cloud.authorize(r -> r.header("X-Amz-Target") != null ? signatureValid(r, "ecs", "Host", "Content-Type", "X-Amz-Target")
                : signatureValid(r, "ec2", "Host", "Content-Type"), new FakeCloud.Answer(400, "{\"__type\": \"UnrecognizedClientException\", "
                + "\"message\": \"The security token included in the request is invalid.\"}", Map.of()));
        cloud.route("/", r -> {
            String target = r.header("X-Amz-Target");
            if (target != null) {
                try {
                    return ecs(target.substring(target.indexOf('.') + 1), AwsClient.JSON.readTree(r.body()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            Map<String, String> form = Ec2SdTest.form(r.body());
            String xml = switch (form.get("Action")) {
                case "DescribeNetworkInterfaces" -> """
                        <DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><networkInterfaceSet><item>
                          <networkInterfaceId>eni-fargate-123</networkInterfaceId><association><publicIp>52.1.2.3</publicIp></association>
                        </item></networkInterfaceSet></DescribeNetworkInterfacesResponse>""";
                case "DescribeInstances" -> """
                        <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet><item><instancesSet><item>
                          <instanceId>i-0abc</instanceId><instanceType>m5.large</instanceType><privateIpAddress>10.0.2.7</privateIpAddress>
                          <ipAddress>54.2.3.4</ipAddress><subnetId>subnet-ec2</subnetId>
                          <tagSet><item><key>Name</key><value>ecs-host</value></item></tagSet></item></instancesSet></item></reservationSet>
                        </DescribeInstancesResponse>""";
                default -> throw new IllegalArgumentException(form.get("Action"));
            };
            return new FakeCloud.Answer(200, xml, Map.of("Content-Type", "text/xml"));
        });
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_EC2", cloud.endpoint().toString());
        startAws("ecs", "us-west-2", extra, env::get);
    }

    @Test
    void awsvpcAndBridgeTasksAreTargetsWithPrometheusLabels() throws Exception {
        start(Map.of());
        TargetGroup g = harness.await(m -> m.containsKey("us-west-2")).get("us-west-2");
        String p = "__meta_ecs_";
        Map<String, String> fargate = new HashMap<>();
        fargate.putAll(Map.of("__address__", "10.0.1.100:80", p + "cluster", "test-cluster", p + "cluster_arn", CLUSTER, p + "service",
                "web-service", p + "service_arn", "arn:aws:ecs:us-west-2:123456789012:service/test-cluster/web-service", p + "service_status",
                "ACTIVE", p + "task_group", "service:web-service", p + "task_arn", "arn:aws:ecs:us-west-2:123456789012:task/test-cluster/task-1",
                p + "task_definition", "arn:aws:ecs:us-west-2:123456789012:task-definition/web-task:1", p + "region", "us-west-2"));
        fargate.putAll(Map.of(p + "availability_zone", "us-west-2a", p + "subnet_id", "subnet-12345", p + "ip_address", "10.0.1.100",
                p + "launch_type", "FARGATE", p + "desired_status", "RUNNING", p + "last_status", "RUNNING", p + "health_status", "HEALTHY",
                p + "platform_family", "Linux", p + "platform_version", "1.4.0", p + "network_mode", "awsvpc"));
        fargate.putAll(Map.of(p + "public_ip", "52.1.2.3", p + "tag_cluster_Environment", "test", p + "tag_service_App", "web",
                p + "tag_task_Version", "v1.0"));
        Map<String, String> bridge = new HashMap<>();
        bridge.putAll(Map.of("__address__", "10.0.2.7:80", p + "cluster", "test-cluster", p + "cluster_arn", CLUSTER, p + "task_group", "batch",
                p + "task_arn", "arn:aws:ecs:us-west-2:123456789012:task/test-cluster/task-2", p + "region", "us-west-2", p + "ip_address",
                "10.0.2.7", p + "launch_type", "EC2", p + "last_status", "RUNNING", p + "health_status", "UNKNOWN"));
        bridge.putAll(Map.of(p + "network_mode", "bridge", p + "subnet_id", "subnet-ec2", p + "public_ip", "54.2.3.4",
                p + "container_instance_arn", INSTANCE, p + "ec2_instance_id", "i-0abc", p + "ec2_instance_type", "m5.large",
                p + "ec2_instance_private_ip", "10.0.2.7", p + "ec2_instance_public_ip", "54.2.3.4", p + "tag_cluster_Environment", "test",
                p + "tag_ec2_Name", "ecs-host"));
        assertThat(g.targets()).containsExactly(Labels.fromMap(fargate), Labels.fromMap(bridge));
        Map<String, String> instances = Ec2SdTest.form(cloud.requests.stream().filter(r -> r.body().contains("Action=DescribeInstances"))
                .findFirst().orElseThrow().body());
        assertThat(instances).containsEntry("InstanceId.1", "i-0abc");
        assertThat(cloud.requests.stream().filter(r -> "AmazonEC2ContainerServiceV20141113.DescribeTasks".equals(r.header("X-Amz-Target")))
                .findFirst().orElseThrow().body()).contains("\"include\":[\"TAGS\"]").contains("task-2");
    }

    @Test
    void aWrongSecretIsRefused() throws Exception {
        start(Map.of("secret_key", "wrong"));
        harness.awaitWarning("400 UnrecognizedClientException: The security token included in the request is invalid.");
        assertThat(harness.context().metrics().value("prometheus_sd_refresh_failures_total", "ecs", "ecs-job")).isGreaterThanOrEqualTo(1);
    }
}
