package io.promethium.discovery.dns.internal;

import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq (Debian package {@code dnsmasq}) serving the test's records on a free loopback
 * port, from its own config file: no system service, no upstream servers, no hosts file.
 * {@code example.test} is local, so a name there without records is NXDOMAIN. Changing the
 * records restarts it on the same port (dnsmasq does not reload {@code srv-host} on SIGHUP).
 * Missing dnsmasq skips the test, or fails it under {@code CI=true}.
 */
final class Dnsmasq implements AutoCloseable {

    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private Dnsmasq(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    static Dnsmasq start(Path dir, String records) throws Exception {
        Dnsmasq dnsmasq = new Dnsmasq(Peers.require("dnsmasq"), dir, freePort());
        dnsmasq.serve(records);
        return dnsmasq;
    }

    int port() {
        return port;
    }

    /** A resolv.conf naming this server (with its port: Promethium's extension). */
    String resolvConf(String extra) {
        return "nameserver 127.0.0.1:" + port + "\noptions timeout:1 attempts:1\n" + extra;
    }

    /** Serves {@code records} (dnsmasq config lines: srv-host=, host-record=, mx-host=, cname=) from now on. */
    void serve(String records) throws Exception {
        stop();
        Path conf = dir.resolve("dnsmasq.conf");
        Files.writeString(conf, String.join("\n",
                "port=" + port,
                "listen-address=127.0.0.1",
                "bind-interfaces",
                "no-resolv",
                "no-hosts",
                "no-poll",
                "pid-file=",
                "local=/example.test/",
                records, ""), StandardCharsets.UTF_8);
        process = new ProcessBuilder(binary.toString(), "--keep-in-foreground", "--conf-file=" + conf)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dnsmasq.log").toFile())
                .start();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        DnsClient client = new DnsClient(Duration.ofMillis(200));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dnsmasq exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("dnsmasq.log")));
            }
            try {
                client.ask(new InetSocketAddress("127.0.0.1", port), "ready.example.test.", Type.A);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("dnsmasq did not answer on port " + port + " within 10 s", e);
                }
                Thread.sleep(20);
            }
        }
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    /** A port free for both UDP and TCP on loopback. */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int candidate = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate))) {
                    return candidate;
                } catch (IOException e) {
                    // taken for UDP; try another
                }
            }
        }
        throw new IOException("no free loopback port for both UDP and TCP");
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
