import java.lang.management.ManagementFactory;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * What the AWS SDK for Java v2 brings to list EC2 instances: the classes loaded and the time to build an
 * {@code Ec2Client} and get a first {@code DescribeInstances} answer from a loopback stand-in. Run by measure.sh.
 */
public final class SdkMeasure {
    public static void main(String[] args) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> { ex.getRequestBody().readAllBytes(); byte[] b = "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>".getBytes(); ex.sendResponseHeaders(200, b.length); ex.getResponseBody().write(b); ex.close(); });
        server.start();
        var cl = ManagementFactory.getClassLoadingMXBean();
        int before = cl.getLoadedClassCount();
        long t0 = System.nanoTime();
        try (Ec2Client ec2 = Ec2Client.builder().region(Region.EU_WEST_1).endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret"))).build()) {
            long t1 = System.nanoTime();
            ec2.describeInstances();
            long t2 = System.nanoTime();
            System.out.printf("client build %d ms, first DescribeInstances %d ms, classes loaded %d%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, cl.getLoadedClassCount() - before);
        }
        server.stop(0);
    }
}
