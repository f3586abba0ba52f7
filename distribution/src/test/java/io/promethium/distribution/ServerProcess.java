package io.promethium.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The real server tarball run as a process, as a user runs it: a private copy of the unpacked
 * distribution, its own port on loopback, output captured to a file for assertions and failures.
 *
 * <p>The server runs with the JIT's first tier only ({@code -XX:TieredStopAtLevel=1}, as the test
 * JVMs do) unless {@link #asShipped()}: the optimising compiler changes no behaviour an IT checks
 * and took ~40% of a server's CPU from start to ready, and the ITs start one about 125 times on
 * the suite's 2 cores. ITs that assert answer times under load, or the compiler itself, run the
 * JIT as shipped; the benchmarks always do.
 */
final class ServerProcess implements AutoCloseable {

    /** The launcher's variable for JVM options; ITs that start {@code bin/promethium} by other means set it too. */
    static final String JAVA_OPTS = "PROMETHIUM_JAVA_OPTS";
    static final String FIRST_TIER_ONLY = "-XX:TieredStopAtLevel=1";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path home;
    final int port;
    final Path log;
    private Process process;
    /** Variables set for the server's process on top of the test's own ({@link #environment}). */
    private final Map<String, String> environment = new HashMap<>();
    private boolean asShipped;

    private ServerProcess(Path home, int port) {
        this.home = home;
        this.port = port;
        this.log = home.resolve("server.log");
    }

    /** A fresh copy of the distribution in a temporary folder; not started. */
    static ServerProcess prepare() throws IOException {
        Path dist = Path.of(System.getProperty("promethium.dist", "target/promethium"));
        if (!Files.isDirectory(dist.resolve("bin"))) {
            throw new IllegalStateException("no unpacked distribution at " + dist + "; run mvn package first");
        }
        Path home = Files.createTempDirectory("promethium-it-");
        copyTree(dist, home);
        home.resolve("bin/promethium").toFile().setExecutable(true);
        return new ServerProcess(home, freePort());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Sets a variable of the server's environment for the next start, such as {@code PROMETHIUM_JAVA_OPTS}. */
    ServerProcess environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Runs the server with the JIT as {@code bin/promethium} sets it, not first-tier only. */
    ServerProcess asShipped() {
        asShipped = true;
        return this;
    }

    /** Writes the config file the server will read. */
    ServerProcess config(String yaml) throws IOException {
        Files.writeString(home.resolve("conf/prometheus.yml"), yaml);
        return this;
    }

    /** Starts {@code bin/promethium} with the given flags plus a loopback listen address. */
    ServerProcess start(String... flags) throws IOException {
        return start(List.of(), flags);
    }

    /** Starts {@code bin/promethium} as {@link #start(String...)} does, under {@code nohup}'s SIGHUP disposition (ignored). */
    ServerProcess startWithHangupIgnored(String... flags) throws IOException {
        return start(List.of("env", "--ignore-signal=HUP"), flags);
    }

    private ServerProcess start(List<String> prefix, String... flags) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(home.resolve("bin/promethium").toString());
        command.add("--web.listen-address=127.0.0.1:" + port);
        command.addAll(List.of(flags));
        process = run(command);
        return this;
    }

    /** Runs the launcher with arguments exactly as given (no listen address added). */
    Process run(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.putAll(environment);
        if (!asShipped) {
            env.put(JAVA_OPTS, (FIRST_TIER_ONLY + " " + env.getOrDefault(JAVA_OPTS, "")).strip());
        }
        return builder.start();
    }

    /** Runs {@code bin/promethium args...} to completion and returns exit code and output. */
    Result runToCompletion(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/promethium").toString());
        command.addAll(List.of(args));
        return runToCompletion(command);
    }

    /**
     * Runs any command in this installation's folder to completion and returns exit code and output;
     * {@code bin/promethium} with the JIT's first tier unless {@link #asShipped()}, as {@link #run}
     * starts it (a start refused at its config halved its CPU time so, ~8 s to ~4 s).
     */
    Result runToCompletion(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        if (!asShipped) {
            Map<String, String> env = builder.environment();
            env.put(JAVA_OPTS, (FIRST_TIER_ONLY + " " + env.getOrDefault(JAVA_OPTS, "")).strip());
        }
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("command did not finish: " + command);
        }
        return new Result(p.exitValue(), output);
    }

    record Result(int exitCode, String output) {
    }

    Process process() {
        return process;
    }

    ServerProcess awaitReady() {
        await(Duration.ofSeconds(60), () -> get("/-/ready").statusCode() == 200, "server ready");
        return this;
    }

    void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new AssertionError("server exited (code " + process.exitValue() + ") while waiting for " + what + "\n" + output()
                        + crashReport());
            }
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // Not there yet: connection refused and the like.
            }
            sleep(100);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\n" + output());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (process != null && !process.isAlive()) {
                // A refused connection says nothing of why: the exit code and the server's log do.
                throw new AssertionError("server exited (code " + process.exitValue() + ") before " + request.build().uri()
                        + "\n" + output() + crashReport(), e);
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read log: " + e + ">";
        }
    }

    /** The head of any JVM crash report (hs_err_pid*.log) the server left in its folder; empty when none. */
    String crashReport() {
        StringBuilder out = new StringBuilder();
        try (var reports = Files.newDirectoryStream(home, "hs_err_pid*.log")) {
            for (Path report : reports) {
                out.append("\n").append(report.getFileName()).append(":\n");
                try (var lines = Files.lines(report, StandardCharsets.ISO_8859_1)) {
                    lines.limit(60).forEach(line -> out.append(line).append('\n'));
                }
            }
        } catch (IOException e) {
            out.append("\n<cannot read crash reports: ").append(e).append('>');
        }
        return out.toString();
    }

    /** Sends a signal to the server process (TERM, HUP, KILL). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        kill.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(home);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(from.resolve("runtime"))) {
                    // The Java runtime (~100 MB) is only read: each server links to the build's.
                    Files.createSymbolicLink(to.resolve("runtime"), dir.toAbsolutePath());
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
