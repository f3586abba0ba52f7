import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.discovery.DiscovererFactory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The same for the aws plugin's {@code ec2_sd_configs}: the classes loaded and the time to build the
 * discoverer and see its first targets from a loopback stand-in (the api's test harness and the JDK's HTTP
 * client included). Run by measure.sh.
 */
public final class PluginMeasure {
    public static void main(String[] args) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> { String body = new String(ex.getRequestBody().readAllBytes());
            byte[] b = (body.contains("DescribeAvailabilityZones") ? "<DescribeAvailabilityZonesResponse/>"
                : "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-1</instanceId><privateIpAddress>10.0.0.1</privateIpAddress></item></instancesSet></item></reservationSet></DescribeInstancesResponse>").getBytes();
            ex.sendResponseHeaders(200, b.length); ex.getResponseBody().write(b); ex.close(); });
        server.start();
        var cl = ManagementFactory.getClassLoadingMXBean();
        int before = cl.getLoadedClassCount();
        long t0 = System.nanoTime();
        DiscovererFactory ec2 = ServiceLoader.load(DiscovererFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("ec2")).findFirst().orElseThrow();
        try (DiscoveryHarness h = new DiscoveryHarness(Files.createTempDirectory("m"), "job", new io.promethium.testkit.HttpConfigClientFactory())) {
            h.start(ec2, "ec2_sd_configs", Map.of("region", "eu-west-1", "endpoint", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "access_key", "AKID", "secret_key", "secret"));
            long t1 = System.nanoTime();
            h.await(m -> m.values().stream().anyMatch(g -> !g.targets().isEmpty()));
            long t2 = System.nanoTime();
            System.out.printf("discoverer built %d ms, first refresh with targets %d ms, classes loaded %d%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, cl.getLoadedClassCount() - before);
        }
        server.stop(0);
        System.exit(0);
    }
}
