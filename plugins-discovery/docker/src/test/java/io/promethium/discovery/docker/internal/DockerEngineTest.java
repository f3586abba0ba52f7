package io.promethium.discovery.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testsupport.Peers;
import io.promethium.testsupport.RealPrometheus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Docker SD and Docker Swarm SD (roles {@code services}, {@code tasks}, {@code nodes}) against a
 * real Docker engine: Debian's {@code dockerd} (package docker.io), started once for the class as
 * root in network and mount namespaces of its own ({@code unshare}), with a loopback only. Its
 * bridges, overlay networks, published ports, iptables rules and swarm listeners live in that
 * namespace and its mounts in its own, so nothing of the host's network or mounts changes and
 * nothing is reachable from outside; the test and the plugin talk to it on its Unix socket. The
 * one image is imported from a root file system the test makes of {@code sleep} and its libraries
 * (no registry). Expected labels are built from the engine's own {@code docker inspect} answers by
 * the rules Prometheus's {@code docker_sd_configs} and {@code dockerswarm_sd_configs} document.
 * Faults (500s, garbage, no answer), API version negotiation and Prometheus's fixtures stay on
 * {@link FakeDocker}.
 */
class DockerEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "promethium-test/sleep:1";

    private static Path root;
    private static Path socket;
    private static Path docker;
    private static Process dockerd;

    @TempDir
    Path dir;
    private DiscoveryHarness harness;

    @BeforeAll
    static void startEngine() throws Exception {
        Path daemon = Peers.require("dockerd");
        docker = Peers.require("docker");
        Path unshare = Peers.require("unshare");
        Path ip = Peers.require("ip");
        if (!"root".equals(System.getProperty("user.name"))) {
            // As DebianPackageIT: root is a privilege of the machine, not a peer; skipped without it, under CI too.
            throw new TestAbortedException("skipped: dockerd needs root, and this test runs as " + System.getProperty("user.name"));
        }
        // Short paths: containerd's socket lives under the exec root (a Unix socket path has at most 107 bytes).
        root = Files.createTempDirectory(Path.of("/tmp"), "dockerd");
        socket = root.resolve("docker.sock");
        String command = ip + " link set lo up && exec " + daemon + " --host unix://" + socket + " --data-root " + root.resolve("data")
                + " --exec-root " + root.resolve("x") + " --pidfile " + root.resolve("docker.pid") + " --storage-driver=vfs";
        // unshare execs sh, which execs dockerd: the process is the daemon, and its namespaces end with it.
        dockerd = new ProcessBuilder(unshare.toString(), "--net", "--mount", "--propagation", "private", "sh", "-c", command)
                .redirectErrorStream(true).redirectOutput(root.resolve("dockerd.log").toFile()).start();
        // A test JVM that is killed still stops the daemon (SIGTERM: it stops its containers and ends its namespaces).
        Process started = dockerd;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "dockerd-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(socket) || !ok("version")) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("dockerd did not start: " + Files.readString(root.resolve("dockerd.log")));
            }
            Thread.sleep(200);
        }
        importSleepImage();
        docker("network", "create", "--label", "com.example.net=backend", "backend");
        docker("run", "-d", "--name", "web", "-p", "19100:9100", "--expose", "9101", "--expose", "53/udp",
                "--label", "com.example.team=web", "--label", "tier=front", IMAGE, "/bin/sleep", "600");
        docker("run", "-d", "--name", "db", "--network", "backend", "--label", "com.example.team=db", IMAGE, "/bin/sleep", "600");
        docker("network", "connect", "bridge", "db");
        docker("run", "-d", "--name", "hostnet", "--network", "host", "--label", "com.example.team=ops", IMAGE, "/bin/sleep", "600");
        docker("run", "-d", "--name", "sidecar", "--network", "container:web", "--label", "com.example.team=web",
                IMAGE, "/bin/sleep", "600");
        docker("create", "--name", "stopped", "--label", "com.example.team=web", IMAGE, "/bin/sleep", "600");
    }

    /** An image of {@code sleep} and the shared libraries it loads, with a label of its own. */
    private static void importSleepImage() throws Exception {
        Path rootfs = root.resolve("rootfs");
        List<String> files = new ArrayList<>(List.of("/bin/sleep"));
        Matcher paths = Pattern.compile("(/\\S+)").matcher(run(List.of("ldd", "/bin/sleep")));
        while (paths.find()) {
            files.add(paths.group(1));
        }
        for (String file : files) {
            Path target = rootfs.resolve(file.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(file).toRealPath(), target);
        }
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder("tar", "-C", rootfs.toString(), "-c", "."),
                dockerCommand("import", "-c", "LABEL org.example.image=sleep", "-", IMAGE).redirectErrorStream(true)));
        Process last = pipeline.get(pipeline.size() - 1);
        String out = new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(last.waitFor()).as("docker import: " + out).isZero();
    }

    @AfterAll
    static void stopEngine() throws Exception {
        if (dockerd == null) {
            return;
        }
        try {
            // Containers first: a stopping daemon would wait 10 s for each sleep that ignores SIGTERM.
            if (docker("info", "-f", "{{.Swarm.LocalNodeState}}").equals("active")) {
                docker("swarm", "leave", "--force");
            }
            String all = docker("ps", "-aq");
            if (!all.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(List.of(all.split("\\s+")));
                docker(rm.toArray(String[]::new));
            }
        } finally {
            dockerd.destroy();
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("could not delete " + root + ": " + e);
            }
        }
    }

    @BeforeEach
    void newHarness() {
        harness = new DiscoveryHarness(dir, "docker-job", new HttpConfigClientFactory());
    }

    @AfterEach
    void closeHarness() {
        harness.close();
    }

    private static ProcessBuilder dockerCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(docker.toString(), "-H", "unix://" + socket));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        return run(dockerCommand(args).command());
    }

    private static boolean ok(String... args) throws InterruptedException {
        try {
            docker(args);
            return true;
        } catch (IOException | AssertionError e) {
            return false;
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static JsonNode inspect(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("inspect"));
        command.addAll(List.of(args));
        return JSON.readTree(docker(command.toArray(String[]::new))).get(0);
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    /** The labels of a network, as Prometheus's {@code getNetworksLabels} makes them, with the mechanism's prefix. */
    private static Map<String, String> networkLabels(String prefix, String network) throws IOException, InterruptedException {
        JsonNode n = inspect("--type", "network", network);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(prefix + "network_id", n.path("Id").asText());
        labels.put(prefix + "network_name", n.path("Name").asText());
        labels.put(prefix + "network_scope", n.path("Scope").asText());
        labels.put(prefix + "network_internal", n.path("Internal").asText());
        labels.put(prefix + "network_ingress", n.path("Ingress").asText());
        n.path("Labels").fields().forEachRemaining(e -> labels.put(prefix + "network_label_" + sanitize(e.getKey()), e.getValue().asText()));
        return labels;
    }

    /** A container's labels (the engine's, the image's among them) and those of the network its address is on. */
    private static Map<String, String> containerTarget(String name, String network, String ip, String address)
            throws IOException, InterruptedException {
        JsonNode c = inspect(name);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("__address__", address);
        expected.put("__meta_docker_container_id", c.path("Id").asText());
        expected.put("__meta_docker_container_name", c.path("Name").asText());
        expected.put("__meta_docker_container_network_mode", c.path("HostConfig").path("NetworkMode").asText());
        expected.put("__meta_docker_container_image", c.path("Config").path("Image").asText());
        expected.put("__meta_docker_container_image_id", c.path("Image").asText());
        c.path("Config").path("Labels").fields().forEachRemaining(e ->
                expected.put("__meta_docker_container_label_" + sanitize(e.getKey()), e.getValue().asText()));
        expected.putAll(networkLabels("__meta_docker_", network));
        expected.put("__meta_docker_network_ip", ip);
        return expected;
    }

    private static String ip(String container, String network) throws IOException, InterruptedException {
        return inspect(container).path("NetworkSettings").path("Networks").path(network).path("IPAddress").asText();
    }

    private List<Labels> discover(Map<String, Object> block, int count) throws Exception {
        Map<String, Object> config = new LinkedHashMap<>(block);
        config.put("host", "unix://" + socket);
        config.put("refresh_interval", "1s");
        harness.start(new DockerDiscovererFactory(), "docker_sd_configs", config);
        TargetGroup g = harness.awaitLast(x -> x.targets().size() == count);
        assertThat(g.source()).isEqualTo("Docker");
        return g.targets();
    }

    @Test
    void runningContainersAreTargetsOnTheirTcpPortsWithPrometheusLabels() throws Exception {
        String web = ip("web", "bridge");
        List<Map<String, String>> expected = new ArrayList<>();
        // A target per TCP port of each running container; a published port once per host address it is bound to.
        for (JsonNode binding : inspect("web").path("NetworkSettings").path("Ports").path("9100/tcp")) {
            Map<String, String> t = containerTarget("web", "bridge", web, web + ":9100");
            t.put("__meta_docker_port_private", "9100");
            t.put("__meta_docker_port_public", binding.path("HostPort").asText());
            t.put("__meta_docker_port_public_ip", binding.path("HostIp").asText());
            expected.add(t);
        }
        Map<String, String> exposed = containerTarget("web", "bridge", web, web + ":9101");
        exposed.put("__meta_docker_port_private", "9101");
        expected.add(exposed);
        // Two networks: the first by name only (match_first_network); no port: the configured one.
        expected.add(containerTarget("db", "backend", ip("db", "backend"), ip("db", "backend") + ":80"));
        // Host networking: host_networking_host.
        expected.add(containerTarget("hostnet", "host", "", "localhost"));
        // Sharing web's network stack: web's network and address, no ports of its own.
        expected.add(containerTarget("sidecar", "bridge", web, web + ":80"));
        List<Labels> targets = discover(Map.of("filters", List.of(Map.of("name", "label", "values", List.of("com.example.team")))),
                expected.size());
        assertThat(targets).containsExactlyInAnyOrderElementsOf(expected.stream().map(Labels::fromMap).toList());
        assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void filtersGoToTheEngineAndEveryNetworkIsATargetWithoutMatchFirstNetwork() throws Exception {
        List<Labels> targets = discover(Map.of("match_first_network", false, "port", 5432, "host_networking_host", "127.0.0.1",
                "filters", List.of(Map.of("name", "label", "values", List.of("com.example.team=db")))), 2);
        assertThat(targets).containsExactlyInAnyOrder(
                Labels.fromMap(containerTarget("db", "backend", ip("db", "backend"), ip("db", "backend") + ":5432")),
                Labels.fromMap(containerTarget("db", "bridge", ip("db", "bridge"), ip("db", "bridge") + ":5432")));
    }

    /** A swarm of this engine alone, with an overlay network, a service on it publishing a port and a global one publishing on the host. */
    private static synchronized String swarm() throws Exception {
        if (!docker("info", "-f", "{{.Swarm.LocalNodeState}}").equals("active")) {
            docker("swarm", "init", "--advertise-addr", "127.0.0.1");
            docker("node", "update", "--label-add", "rack=r1", "--label-add", "com.example.zone=z1",
                    docker("info", "-f", "{{.Swarm.NodeID}}"));
            docker("network", "create", "--driver", "overlay", "--label", "com.example.net=mon", "mon");
            docker("service", "create", "--detach", "--name", "web-svc", "--network", "mon", "--publish", "8080:80",
                    "--label", "com.example.svc=web", "--container-label", "com.example.c=v", IMAGE, "/bin/sleep", "600");
            docker("service", "create", "--detach", "--name", "agent", "--mode", "global",
                    "--publish", "mode=host,target=9100,published=19101", IMAGE, "/bin/sleep", "600");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (docker("node", "ps", "self", "--filter", "desired-state=running", "--format", "{{.CurrentState}}")
                    .lines().filter(l -> l.startsWith("Running")).count() < 2) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("swarm tasks not running: " + docker("node", "ps", "self", "--no-trunc"));
                }
                Thread.sleep(300);
            }
        }
        return docker("info", "-f", "{{.Swarm.NodeID}}");
    }

    private List<Labels> discoverSwarm(String role, int count) throws Exception {
        harness.start(new DockerswarmDiscovererFactory(), "dockerswarm_sd_configs",
                Map.of("host", "unix://" + socket, "role", role, "port", 9100, "refresh_interval", "1s"));
        TargetGroup g = harness.awaitLast(x -> x.targets().size() == count);
        assertThat(g.source()).isEqualTo("DockerSwarm");
        return g.targets();
    }

    private static Map<String, String> nodeLabels(String id) throws IOException, InterruptedException {
        JsonNode node = inspect("--type", "node", id);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__meta_dockerswarm_node_id", id);
        labels.put("__meta_dockerswarm_node_role", "manager");
        labels.put("__meta_dockerswarm_node_availability", node.path("Spec").path("Availability").asText());
        labels.put("__meta_dockerswarm_node_hostname", node.path("Description").path("Hostname").asText());
        labels.put("__meta_dockerswarm_node_platform_architecture", node.path("Description").path("Platform").path("Architecture").asText());
        labels.put("__meta_dockerswarm_node_platform_os", "linux");
        labels.put("__meta_dockerswarm_node_engine_version", node.path("Description").path("Engine").path("EngineVersion").asText());
        labels.put("__meta_dockerswarm_node_status", "ready");
        labels.put("__meta_dockerswarm_node_address", "127.0.0.1");
        labels.put("__meta_dockerswarm_node_manager_leader", "true");
        labels.put("__meta_dockerswarm_node_manager_reachability", "reachable");
        labels.put("__meta_dockerswarm_node_manager_address", node.path("ManagerStatus").path("Addr").asText());
        labels.put("__meta_dockerswarm_node_label_rack", "r1");
        labels.put("__meta_dockerswarm_node_label_com_example_zone", "z1");
        return labels;
    }

    private static Map<String, String> serviceLabels(JsonNode service) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__meta_dockerswarm_service_id", service.path("ID").asText());
        labels.put("__meta_dockerswarm_service_name", service.path("Spec").path("Name").asText());
        labels.put("__meta_dockerswarm_service_mode", service.path("Spec").path("Mode").has("Global") ? "global" : "replicated");
        JsonNode container = service.path("Spec").path("TaskTemplate").path("ContainerSpec");
        labels.put("__meta_dockerswarm_service_task_container_hostname", container.path("Hostname").asText());
        labels.put("__meta_dockerswarm_service_task_container_image", container.path("Image").asText());
        if (service.path("UpdateStatus").isObject()) {
            labels.put("__meta_dockerswarm_service_updating_status", service.path("UpdateStatus").path("State").asText());
        }
        service.path("Spec").path("Labels").fields().forEachRemaining(e ->
                labels.put("__meta_dockerswarm_service_label_" + sanitize(e.getKey()), e.getValue().asText()));
        return labels;
    }

    @Test
    void swarmServicesAreTargetsPerVirtualIpAndPublishedPort() throws Exception {
        swarm();
        JsonNode service = inspect("--type", "service", "web-svc");
        List<Map<String, String>> expected = new ArrayList<>();
        // One per virtual IP (the ingress network's and mon's) and TCP port; "agent" publishes on its hosts only: no virtual IP.
        for (JsonNode vip : service.path("Endpoint").path("VirtualIPs")) {
            Map<String, String> t = serviceLabels(service);
            t.putAll(networkLabels("__meta_dockerswarm_", vip.path("NetworkID").asText()));
            t.put("__meta_dockerswarm_service_endpoint_port_name", "");
            t.put("__meta_dockerswarm_service_endpoint_port_publish_mode", "ingress");
            t.put("__address__", vip.path("Addr").asText().replaceFirst("/.*", "") + ":8080");
            expected.add(t);
        }
        assertThat(expected).hasSize(2);
        assertThat(discoverSwarm("services", 2)).containsExactlyInAnyOrderElementsOf(expected.stream().map(Labels::fromMap).toList());
    }

    @Test
    void swarmTasksAreTargetsOnTheirNetworksAndHostPorts() throws Exception {
        String node = swarm();
        Map<String, String> nodeLabels = nodeLabels(node);
        List<Map<String, String>> expected = new ArrayList<>();
        for (String name : List.of("web-svc", "agent")) {
            JsonNode service = inspect("--type", "service", name);
            for (String id : docker("service", "ps", "-q", "--filter", "desired-state=running", name).lines().toList()) {
                JsonNode task = inspect("--type", "task", id);
                Map<String, String> common = new LinkedHashMap<>();
                common.put("__meta_dockerswarm_task_id", task.path("ID").asText());
                common.put("__meta_dockerswarm_task_desired_state", "running");
                common.put("__meta_dockerswarm_task_state", task.path("Status").path("State").asText());
                common.put("__meta_dockerswarm_task_slot", Integer.toString(task.path("Slot").asInt()));
                common.put("__meta_dockerswarm_task_container_id", task.path("Status").path("ContainerStatus").path("ContainerID").asText());
                task.path("Spec").path("ContainerSpec").path("Labels").fields().forEachRemaining(e ->
                        common.put("__meta_dockerswarm_container_label_" + sanitize(e.getKey()), e.getValue().asText()));
                // A task carries fewer of its service's and node's labels than those roles do.
                serviceLabels(service).forEach((k, v) -> {
                    if (k.startsWith("__meta_dockerswarm_service_label_") || List.of("__meta_dockerswarm_service_id",
                            "__meta_dockerswarm_service_name", "__meta_dockerswarm_service_mode").contains(k)) {
                        common.put(k, v);
                    }
                });
                nodeLabels.forEach((k, v) -> {
                    if (!k.startsWith("__meta_dockerswarm_node_manager_") && !k.equals("__meta_dockerswarm_node_engine_version")) {
                        common.put(k, v);
                    }
                });
                // Published on the host: the node's address and the published port.
                for (JsonNode port : task.path("Status").path("PortStatus").path("Ports")) {
                    Map<String, String> t = new LinkedHashMap<>(common);
                    t.put("__meta_dockerswarm_task_port_publish_mode", port.path("PublishMode").asText());
                    t.put("__address__", "127.0.0.1:" + port.path("PublishedPort").asText());
                    expected.add(t);
                }
                // Each network address, on each of the service's TCP ports.
                for (JsonNode attachment : task.path("NetworksAttachments")) {
                    for (JsonNode address : attachment.path("Addresses")) {
                        for (JsonNode port : service.path("Endpoint").path("Ports")) {
                            Map<String, String> t = new LinkedHashMap<>(common);
                            t.putAll(networkLabels("__meta_dockerswarm_", attachment.path("Network").path("ID").asText()));
                            t.put("__meta_dockerswarm_task_port_publish_mode", port.path("PublishMode").asText());
                            t.put("__address__", address.asText().replaceFirst("/.*", "") + ":" + port.path("PublishedPort").asText());
                            expected.add(t);
                        }
                    }
                }
            }
        }
        // web-svc's task on the ingress network and on mon; agent's on port 19101 of the node, once
        // per binding the engine reports (IPv4 and IPv6: two equal targets, as Prometheus makes them).
        assertThat(expected).extracting(t -> t.get("__address__")).contains("127.0.0.1:19101")
                .filteredOn(a -> a.endsWith(":8080")).hasSize(2);
        assertThat(discoverSwarm("tasks", expected.size())).containsExactlyInAnyOrderElementsOf(expected.stream().map(Labels::fromMap).toList());
    }

    @Test
    void swarmNodesAreTargetsWithPrometheusLabels() throws Exception {
        String node = swarm();
        Map<String, String> expected = nodeLabels(node);
        expected.put("__address__", "127.0.0.1:9100");
        assertThat(discoverSwarm("nodes", 1)).containsExactly(Labels.fromMap(expected));
        assertThat(expected.get("__meta_dockerswarm_node_manager_address")).isEqualTo("127.0.0.1:2377");
    }

    /** Runs the plugin's discoverer of {@code key} on {@code block} in a harness of its own and compares it with Prometheus's {@code job}. */
    private void assertSameAsPrometheus(RealPrometheus prometheus, String job, io.promethium.api.discovery.DiscovererFactory factory,
                                        String key, Map<String, Object> block, int count, java.util.Set<String> ignored,
                                        java.util.function.Predicate<Map<String, String>> shared) throws Exception {
        try (DiscoveryHarness own = new DiscoveryHarness(dir.resolve(job), job, new HttpConfigClientFactory())) {
            Files.createDirectories(dir.resolve(job));
            Map<String, Object> config = new LinkedHashMap<>(block);
            config.put("host", "unix://" + socket);
            config.put("refresh_interval", "1s");
            own.start(factory, key, config);
            prometheus.assertSameTargets(job, own, count, ignored, shared);
        }
    }

    /**
     * The engine's containers, and the swarm's services, tasks and nodes, discovered by the real Prometheus (Debian's
     * 2.42, {@link RealPrometheus}) and by the plugins, with the same configs: every target's discovered labels equal,
     * on what the two versions share. One Prometheus runs every job: each start waits out its discovery's 5 s update
     * tick. {@code dockerswarm_sd_configs}' labels are the same in Prometheus 3, so all of them are compared. For
     * {@code docker_sd_configs} Prometheus 3 differs from 2.42 where its changelog says so, and the plugin follows
     * Prometheus 3:
     * <ul>
     * <li>2.54 added {@code match_first_network} (default true, one network per container); 2.42 has no such key and
     * makes a target on every network, so the plugin runs with {@code match_first_network: false} here (its default is
     * checked by {@link #runningContainersAreTargetsOnTheirTcpPortsWithPrometheusLabels()});</li>
     * <li>2.54 (the same change) gives a container sharing another's network stack ({@code network_mode: container:<id>})
     * that container's networks; 2.42 lists no network for it, so no target: those containers are left out;</li>
     * <li>{@code __meta_docker_container_image} and {@code __meta_docker_container_image_id} came after 2.42: those two
     * labels are left out.</li>
     * </ul>
     */
    @Test
    void containersAndSwarmDiscoveredAreThoseOfTheRealPrometheus() throws Exception {
        swarm();
        StringBuilder yaml = new StringBuilder("""
                  - job_name: docker
                    docker_sd_configs:
                      - host: unix://%1$s
                        refresh_interval: 1s
                        filters: [{name: label, values: [com.example.team]}]
                %2$s
                  - job_name: docker_db
                    docker_sd_configs:
                      - host: unix://%1$s
                        refresh_interval: 1s
                        port: 5432
                        host_networking_host: 127.0.0.1
                        filters: [{name: name, values: [db, hostnet]}]
                %2$s""".formatted(socket, RealPrometheus.KEEP_META));
        for (String role : List.of("services", "tasks", "nodes")) {
            yaml.append("""
                      - job_name: swarm_%1$s
                        dockerswarm_sd_configs:
                          - host: unix://%2$s
                            role: %1$s
                            port: 9100
                            refresh_interval: 1s
                    %3$s""".formatted(role, socket, RealPrometheus.KEEP_META));
        }
        java.util.Set<String> newerThan242 = java.util.Set.of("__meta_docker_container_image", "__meta_docker_container_image_id");
        java.util.function.Predicate<Map<String, String>> notSharingAStack =
                t -> !t.get("__meta_docker_container_network_mode").startsWith("container:");
        try (RealPrometheus prometheus = RealPrometheus.start(yaml.toString())) {
            // web (two ports, one published), db on two networks, hostnet; sidecar left out.
            assertSameAsPrometheus(prometheus, "docker", new DockerDiscovererFactory(), "docker_sd_configs",
                    Map.of("match_first_network", false,
                            "filters", List.of(Map.of("name", "label", "values", List.of("com.example.team")))),
                    5, newerThan242, notSharingAStack);
            // db on two networks and hostnet (the engine ORs the values of one filter): the port and host_networking_host set.
            assertSameAsPrometheus(prometheus, "docker_db", new DockerDiscovererFactory(), "docker_sd_configs",
                    Map.of("match_first_network", false, "port", 5432, "host_networking_host", "127.0.0.1",
                            "filters", List.of(Map.of("name", "name", "values", List.of("db", "hostnet")))),
                    3, newerThan242, notSharingAStack);
            Map<String, Integer> counts = Map.of("services", 2, "tasks", 3, "nodes", 1);
            for (String role : List.of("services", "tasks", "nodes")) {
                assertSameAsPrometheus(prometheus, "swarm_" + role, new DockerswarmDiscovererFactory(), "dockerswarm_sd_configs",
                        Map.of("role", role, "port", 9100), counts.get(role), java.util.Set.of(), t -> true);
            }
        }
    }
}
