package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The server as a user runs it: command line, config errors, reload, signals. */
class ServerLifecycleIT {

    private static final String GOOD_CONFIG = """
            global:
              scrape_interval: 15s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ["localhost:9090"]
            """;

    @Test
    void startsWithTheShippedConfigAndAnswersHealthReadyStatusAndMetrics() throws Exception {
        try (ServerProcess server = ServerProcess.prepare().start().awaitReady()) {
            assertThat(server.get("/-/healthy").body()).isEqualTo("Promethium Server is Healthy.\n");
            assertThat(server.get("/-/ready").body()).isEqualTo("Promethium Server is Ready.\n");
            assertThat(server.get("/api/v1/status/buildinfo").body()).contains("\"status\":\"success\"").contains("\"version\"");
            assertThat(server.get("/api/v1/status/flags").body()).contains("\"web.enable-lifecycle\":\"false\"")
                    .contains("\"storage.tsdb.retention.time\":\"15d\"");
            assertThat(server.get("/api/v1/status/config").body()).contains("job_name: promethium");
            HttpResponse<String> metrics = server.get("/metrics");
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(metrics.body()).contains("prometheus_config_last_reload_successful 1")
                    .contains("process_start_time_seconds");
            assertThat(server.get("/no/such/endpoint").statusCode()).isEqualTo(404);
            assertThat(server.post("/-/reload").statusCode()).as("lifecycle API off by default").isEqualTo(403);
            assertThat(server.get("/api/v1/admin/plugins").statusCode()).as("admin API off by default").isEqualTo(503);
        }
    }

    @Test
    void theServerLeavesLocaleForLanguageTagUncompiledThoughItsStartCallsItAThousandTimes() throws Exception {
        // Jetty lists the JDK's locales once at start. Without bin/promethium's exclusion the method
        // was compiled by ready (levels 2 and 4 in 3 of 3 starts; C2 in a 35-43 MB arena); with it,
        // no tier compiles it.
        try (ServerProcess server = ServerProcess.prepare().asShipped().start().awaitReady()) {
            String codeList = compiledMethods(server);
            // The bundled runtime has no jdk.localedata: Jetty then lists a few locales, not a thousand.
            java.nio.file.Path release = server.home.resolve("runtime/release");
            if (!Files.isReadable(release) || Files.readString(release).contains("jdk.localedata")) {
                assertThat(codeList).as("the JVM's list of compiled methods").contains("java.util.Locale.getInstance(");
            }
            assertThat(codeList).as("the JVM's list of compiled methods").doesNotContain("java.util.Locale.forLanguageTag(");
        }
    }

    @Test
    void theCodeAnsweringARequestReachesTheOptimisingCompilerWithinAFewThousandRequests() throws Exception {
        // At the JIT's default thresholds the router's per-request method was still in C1's
        // profiling tier (level 3) after 8,000 queries; bin/promethium scales the thresholds of the
        // request path's packages to a tenth, and it reached C2 after 2,000-3,000 (its first C1
        // compile waits for the start's backlog). The requests go on while waiting: a method moves
        // up a tier only when it is called.
        try (ServerProcess server = ServerProcess.prepare().asShipped().start().awaitReady()) {
            java.util.regex.Pattern inC2 = java.util.regex.Pattern.compile(
                    "(?m)^\\d+ 4 \\d+ io\\.promethium\\.web\\.internal\\.routes\\.RoutesHandler\\.serve\\(");
            String codeList = "";
            for (int requests = 0; requests < 6_000 && !inC2.matcher(codeList).find(); ) {
                for (int i = 0; i < 200; i++, requests++) {
                    assertThat(server.get("/api/v1/query?query=1").statusCode()).isEqualTo(200);
                }
                Thread.sleep(300); // the compile runs on the JIT's own threads
                codeList = compiledMethods(server);
            }
            assertThat(codeList).as("the JVM's list of compiled methods after up to 6,000 queries").containsPattern(inC2);
        }
    }

    @Test
    void unknownFlagPrintsUsageAndExitsWithTwo() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            ServerProcess.Result result = server.runToCompletion("--no-such.flag=1");
            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.output()).contains("unknown long flag '--no-such.flag'").contains("usage: promethium");
        }
    }

    @Test
    void aFlagOrFeatureOfARemovedBundleIsRefusedNamingTheBundle() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            try (java.util.stream.Stream<Path> jars = Files.list(server.home.resolve("bundles"))) {
                for (Path jar : jars.filter(p -> p.getFileName().toString().startsWith("promethium-otlp-")).toList()) {
                    Files.delete(jar);
                }
            }
            ServerProcess.Result flag = server.runToCompletion("--web.enable-otlp-receiver");
            assertThat(flag.exitCode()).as(flag.output()).isEqualTo(2);
            assertThat(flag.output()).contains("flag --web.enable-otlp-receiver is declared by promethium-otlp, which is not installed")
                    .contains("bundles/promethium-otlp-");
            ServerProcess.Result feature = server.runToCompletion("--enable-feature=otlp-deltatocumulative");
            assertThat(feature.exitCode()).as(feature.output()).isEqualTo(2);
            assertThat(feature.output()).contains("--enable-feature=otlp-deltatocumulative is implemented by promethium-otlp, which is not installed");
            ServerProcess.Result refused = server.runToCompletion("--enable-feature=promql-per-step-stats");
            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
            assertThat(refused.output()).contains("not supported by Promethium: the engine evaluates a range query series by series");
        }
    }

    @Test
    void invalidConfigAtStartExitsWithOneNamingFileAndLine() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            server.config("scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n");
            ServerProcess.Result result = server.runToCompletion("--web.listen-address=127.0.0.1:" + server.port);
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output()).contains("prometheus.yml:3:5").contains("scrape_intervall");
        }
    }

    @Test
    void missingConfigFileAtStartExitsWithOne() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            ServerProcess.Result result = server.runToCompletion("--web.listen-address=127.0.0.1:" + server.port,
                    "--config.file=/nonexistent/prometheus.yml");
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output()).contains("/nonexistent/prometheus.yml").contains("no such file");
        }
    }

    @Test
    void checkConfigExitsZeroForValidAndOneForInvalidFiles() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            ServerProcess.Result valid = server.runToCompletion("check", "config", "conf/prometheus.yml");
            assertThat(valid.exitCode()).as(valid.output()).isZero();
            assertThat(valid.output()).contains("SUCCESS");
            Files.writeString(server.home.resolve("bad.yml"), "global:\n  scrape_interval: soon\n");
            ServerProcess.Result invalid = server.runToCompletion("check", "config", "bad.yml");
            assertThat(invalid.exitCode()).isEqualTo(1);
            assertThat(invalid.output()).contains("bad.yml:2:3").contains("soon");
        }
    }

    @Test
    void theTarballShipsAClassDataArchiveForEachTrainedToolAndNamesItsJdk() throws Exception {
        // Packaging trains check config, test rules and the tsdb tools on one configuration
        // (cds-train.sh); a command that failed there ships no archive. The server's own archive
        // is left out of this check: under load it may miss its ready time, which the first run covers.
        Assumptions.assumeFalse(Boolean.getBoolean("promethium.cds.skip"), "built with -Dcds.skip=true");
        java.nio.file.Path cds = java.nio.file.Path.of(System.getProperty("promethium.dist", "target/promethium")).resolve("lib/cds");
        assertThat(cds.resolve("jdk")).isNotEmptyFile();
        for (String kind : java.util.List.of("check", "test", "tsdb")) {
            assertThat(java.util.List.of(cds.resolve(kind + ".aot"), cds.resolve(kind + ".jsa"))).as(kind)
                    .anySatisfy(archive -> assertThat(archive).isNotEmptyFile());
        }
    }

    @Test
    void theCompileCommandsOfTheLauncherNameClassesAndMethodsTheTarballShips() throws Exception {
        // bin/promethium caps the memory of the compaction's compilations and keeps the series'
        // creation out of the scrape loop's, by class and method name: a class or method renamed or
        // a library moved would leave the command matching nothing, silently. (The JDK's own
        // methods named there are not in the tarball.)
        Path dist = Path.of(System.getProperty("promethium.dist", "target/promethium"));
        Matcher command = Pattern.compile("(?:MemLimit|dontinline),(?!java\\.)([\\w.*]+)::([\\w*]+)")
                .matcher(Files.readString(dist.resolve("bin/promethium")));
        Map<String, String> methodsByClass = new HashMap<>();
        List<String> packages = new ArrayList<>();
        while (command.find()) {
            String type = command.group(1);
            if (type.endsWith(".*")) {
                packages.add(type.substring(0, type.length() - 1).replace('.', '/'));
            } else {
                methodsByClass.put(type.replace('.', '/') + ".class", command.group(2));
            }
        }
        assertThat(packages).as("packages named by compile commands in bin/promethium").isNotEmpty();
        assertThat(methodsByClass).as("classes named by compile commands in bin/promethium").isNotEmpty();
        Set<String> entries = new HashSet<>();
        Map<String, byte[]> named = new HashMap<>();
        for (String folder : List.of("lib", "bundles")) {
            try (var jars = Files.walk(dist.resolve(folder))) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    try (InputStream in = Files.newInputStream(jar)) {
                        collectClassEntries(in, entries, methodsByClass.keySet(), named);
                    }
                }
            }
        }
        for (String prefix : packages) {
            assertThat(entries).as("a class in the package %s that a compile command names", prefix)
                    .anyMatch(entry -> entry.startsWith(prefix));
        }
        methodsByClass.forEach((type, method) -> {
            assertThat(named).as("the class %s that a compile command names", type).containsKey(type);
            // A method's name is a UTF-8 constant of its class file (so is one it calls: a rename
            // is caught unless the class also calls a method of the old name).
            assertThat(method.equals("*") || new String(named.get(type), StandardCharsets.ISO_8859_1).contains(method))
                    .as("%s declares %s", type, method).isTrue();
        });
    }

    /** The class entries of a jar and of the jars it embeds; the bytes of those in {@code wanted}. */
    private static void collectClassEntries(InputStream jar, Set<String> entries, Set<String> wanted, Map<String, byte[]> bytes)
            throws IOException {
        ZipInputStream zip = new ZipInputStream(jar);
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
            if (entry.getName().endsWith(".class")) {
                entries.add(entry.getName());
                if (wanted.contains(entry.getName())) {
                    bytes.put(entry.getName(), zip.readAllBytes());
                }
            } else if (entry.getName().endsWith(".jar")) {
                collectClassEntries(zip, entries, wanted, bytes);
            }
        }
    }

    @Test
    void tsdbToolsReadTheWalTheServerWroteWithTheStoragesEmbeddedLibraries() throws Exception {
        // wal-stats needs the tsdb bundle's embedded snappy: a bundle that embeds jars must not be
        // on the tools' class path, where the JVM cannot see inside it (it failed with a bare
        // InvocationTargetException).
        try (ServerProcess server = ServerProcess.prepare().start("--web.enable-remote-write-receiver").awaitReady()) {
            var series = java.util.List.of(new RemoteWriteClient.TimeSeries(java.util.Map.of("__name__", "tool_test", "job", "x"),
                    new long[] {System.currentTimeMillis()}, new double[] {1}));
            assertThat(RemoteWriteClient.send(server.uri("/api/v1/write"), series).statusCode()).isEqualTo(204);
            server.signal("KILL");
            assertThat(server.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            ServerProcess.Result stats = server.runToCompletion("tsdb", "wal-stats", "data/wal");
            assertThat(stats.exitCode()).as(stats.output()).isZero();
            assertThat(stats.output()).contains("series").contains("sample").doesNotContain("error");
            ServerProcess.Result list = server.runToCompletion("tsdb", "list", "data");
            assertThat(list.exitCode()).as(list.output()).isZero();
        }
    }

    @Test
    void theTarballRunsItsOwnRuntimeWhateverJavaHomeAndPathSayAndAnotherOnlyWhenPromethiumJavaNamesIt() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            java.nio.file.Path release = server.home.resolve("runtime/release");
            Assumptions.assumeTrue(Files.isReadable(release), "tarball built with -Druntime.skip=true");
            assertThat(Files.readString(release)).contains("java.base").contains("java.net.http").contains("jdk.naming.dns")
                    .doesNotContain("jdk.compiler");
            ProcessBuilder builder = new ProcessBuilder(server.home.resolve("bin/promethium").toString(), "--version")
                    .directory(server.home.toFile()).redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", "/nonexistent");
            builder.environment().put("PATH", "/usr/bin:/bin");
            builder.environment().remove("PROMETHIUM_JAVA");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("promethium, version");

            builder.environment().put("PROMETHIUM_JAVA", "/nonexistent/java");
            process = builder.start();
            output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("a PROMETHIUM_JAVA that is no Java is an error, not a silent fallback").isEqualTo(1);
            assertThat(output).contains("PROMETHIUM_JAVA=/nonexistent/java is neither a java executable nor a Java home");
        }
    }

    /**
     * The unpacked tarball on a machine with no Java: in a mount namespace of its own
     * ({@code unshare -m}) this machine's JDKs ({@code /usr/lib/jvm}, where {@code java} on the
     * path leads) are hidden, {@code JAVA_HOME} is unset, and the server must still start to ready
     * on the runtime it brings. Needs root for the namespace (skipped elsewhere).
     */
    @Test
    void theUnpackedTarballStartsToReadyOnAMachineWithoutJava() throws Exception {
        Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip()),
                "a mount namespace needs root: skipped");
        try (ServerProcess server = ServerProcess.prepare()) {
            int port = ServerProcess.freePort();
            Path data = Files.createTempDirectory("promethium-nojava-");
            ProcessBuilder builder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", """
                    [ -d /usr/lib/jvm ] && mount -t tmpfs -o ro,mode=0755 tmpfs /usr/lib/jvm
                    java -version >/dev/null 2>&1 && { echo "== java still runs"; exit 9; }
                    echo "== no java"
                    exec bin/promethium --web.listen-address=127.0.0.1:$0 --storage.tsdb.path=$1
                    """, Integer.toString(port), data.toString()).directory(server.home.toFile()).redirectErrorStream(true)
                    .redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile());
            builder.environment().remove("JAVA_HOME");
            builder.environment().remove("PROMETHIUM_JAVA");
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            // The JIT's first tier, as ServerProcess starts every server not timed: the runtime is the question here.
            builder.environment().put(ServerProcess.JAVA_OPTS, ServerProcess.FIRST_TIER_ONLY);
            Process process = builder.start();
            Path log = data.resolveSibling(data.getFileName() + ".log");
            try {
                java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                int status = 0;
                while (status != 200 && process.isAlive() && System.nanoTime() < deadline) {
                    try {
                        status = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/-/ready"))
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException e) {
                        Thread.sleep(200);
                    }
                }
                assertThat(status).as(Files.readString(log)).isEqualTo(200);
                assertThat(Files.readString(log)).contains("== no java");
                assertThat(process.toHandle().info().command().orElse(""))
                        .as("the running executable").endsWith("runtime/bin/java");
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                ServerProcess.deleteTree(data);
                Files.deleteIfExists(log);
            }
        }
    }

    @Test
    void launcherFindsAJava21EvenWhenJavaHomeAndPathPointAtAnOlderJava() throws Exception {
        // A stand-in Java 17 that only answers the version probe, so the test needs no old JDK.
        java.nio.file.Path old = Files.createTempDirectory("old-jdk");
        java.nio.file.Path fakeJava = Files.createDirectories(old.resolve("bin")).resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho '    java.specification.version = 17' >&2\n"
                + "case \"$*\" in *-version*) exit 0;; esac\necho 'old java must not run the server' >&2\nexit 3\n");
        assertThat(fakeJava.toFile().setExecutable(true)).isTrue();
        try (ServerProcess server = ServerProcess.prepare()) {
            ProcessBuilder builder = new ProcessBuilder(server.home.resolve("bin/promethium").toString(), "check", "config",
                    "conf/prometheus.yml").directory(server.home.toFile()).redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", old.toString());
            builder.environment().put("PATH", old.resolve("bin") + ":/usr/bin:/bin");
            builder.environment().put("PROMETHIUM_JAVA", "auto"); // search the machine, not the bundled runtime
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("SUCCESS");
        }
    }

    @Test
    void badReloadKeepsTheOldConfigAndReportsFailureUntilAGoodOne() throws Exception {
        int second = ServerProcess.freePort();
        // Started as under nohup (SIGHUP ignored): SIGHUP still reloads, as it does Prometheus.
        try (ServerProcess server = ServerProcess.prepare().config(GOOD_CONFIG)
                .startWithHangupIgnored("--web.enable-lifecycle", "--web.listen-address=127.0.0.1:" + second).awaitReady()) {
            assertThat(server.get("/api/v1/notifications").body()).as("started up: nothing to tell")
                    .isEqualTo("{\"status\":\"success\",\"data\":[]}");
            server.config("scrape_configs:\n  - job_name: [broken\n");
            HttpResponse<String> reload = server.post("/-/reload");
            assertThat(reload.statusCode()).isEqualTo(500);
            assertThat(reload.body()).contains("prometheus.yml");
            assertThat(server.get("/metrics").body()).contains("prometheus_config_last_reload_successful 0");
            // Prometheus 3's notification, on every listen address (the flag given twice).
            HttpResponse<String> onSecond = server.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + second + "/api/v1/notifications")).GET());
            assertThat(onSecond.body()).contains("\"text\":\"Configuration reload has failed.\"").contains("\"active\":true");
            assertThat(server.get("/api/v1/status/config").body()).as("old config still in force").contains("job_name: self");
            assertThat(server.get("/-/healthy").statusCode()).isEqualTo(200);

            // SIGHUP reloads too: a fixed file brings the gauge back to 1.
            server.config(GOOD_CONFIG.replace("job_name: self", "job_name: fixed"));
            server.signal("HUP");
            // Generous: at load ~10 on two cores the reload once took longer than 15 s.
            server.await(Duration.ofSeconds(60), () -> server.get("/metrics").body()
                    .contains("prometheus_config_last_reload_successful 1"), "reload on SIGHUP");
            assertThat(server.get("/api/v1/status/config").body()).contains("job_name: fixed");
            assertThat(server.get("/api/v1/notifications").body()).as("cleared by the good reload")
                    .isEqualTo("{\"status\":\"success\",\"data\":[]}");
        }
    }

    @Test
    void serverOnlyFlagsInAgentModeExitWithThreeAsPrometheus() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            ServerProcess.Result result = server.runToCompletion("--agent", "--storage.tsdb.retention.time=1d");
            assertThat(result.exitCode()).isEqualTo(3);
            assertThat(result.output()).contains("The following flag(s) can not be used in agent mode: [\"--storage.tsdb.retention.time\"]");
        }
    }

    @Test
    void sigtermStopsWithinTheStopTimeoutWithoutWarnings() throws Exception {
        try (ServerProcess server = ServerProcess.prepare().start().awaitReady()) {
            // The admin bundle's JAX-RS resources served first: the stop takes them down with the whiteboard.
            server.await(Duration.ofSeconds(30), () -> server.output().contains("served at [/api/v1/admin/plugins]"),
                    "the admin API served");
            server.signal("TERM");
            // The server itself judges its 10 s stop timeout: it says "See you next time!" only when
            // every bundle stopped in time. The wait here has margin for a loaded machine.
            boolean exited = server.process().waitFor(40, TimeUnit.SECONDS);
            assertThat(exited).as("exited after SIGTERM").isTrue();
            assertThat(server.process().exitValue()).isZero();
            assertThat(server.output()).contains("See you next time!").doesNotContain("bundles still running");
            // A warning in a clean stop is noise a reader takes for a fault.
            String stop = server.output().substring(server.output().indexOf("Stopping Promethium"));
            assertThat(stop).as("the stop's log").doesNotContain("level=WARN").doesNotContain("level=ERROR");
        }
    }

    @Test
    void saysReadyOnlyOnceTheWebListensAndARestartReusesTheKeptBundleCache() throws Exception {
        try (ServerProcess server = ServerProcess.prepare().start().awaitReady()) {
            String first = server.output();
            assertThat(first).contains("Listening on 127.0.0.1:" + server.port).contains("Server is ready to receive web requests.");
            assertThat(first.indexOf("Server is ready")).as("ready is said after the web listens").isGreaterThan(first.indexOf("Listening on"));
            assertThat(server.home.resolve("cache")).as("the bundle cache, beside the install").isDirectory();
            try (var data = Files.walk(server.home.resolve("data"))) {
                assertThat(data.filter(p -> p.getFileName().toString().startsWith("bundle")))
                        .as("no code in the data folder").isEmpty();
            }
            try (var cached = Files.walk(server.home.resolve("cache"))) {
                assertThat(cached.filter(p -> p.getFileName().toString().equals("bundle.jar")).count())
                        .as("copies of jars in the cache: the plugins' only, the core bundles are referenced in place")
                        .isLessThanOrEqualTo(Files.list(server.home.resolve("plugins")).filter(p -> p.toString().endsWith(".jar")).count());
            }
            server.signal("TERM");
            assertThat(server.process().waitFor(40, TimeUnit.SECONDS)).isTrue();

            server.start().awaitReady();
            String second = server.output().substring(first.length());
            assertThat(second).contains("Server is ready to receive web requests.")
                    .doesNotContain("is not usable").doesNotContain("cannot be installed").doesNotContain("cannot start");
        }
    }

    @Test
    void readyAfterARestartMeansTheWalIsReplayedAndTheApiAnswers() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            server.config("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n"
                    + "    static_configs:\n      - targets: [\"127.0.0.1:" + server.port + "\"]\n");
            server.start().awaitReady();
            String count = "/api/v1/query?query=count_over_time(up%7Bjob%3D%22self%22%7D%5B1h%5D)";
            server.await(Duration.ofSeconds(60), () -> samples(server.get(count).body()) >= 3, "three scrapes of itself");
            int before = samples(server.get(count).body());
            server.signal("TERM");
            assertThat(server.process().waitFor(40, TimeUnit.SECONDS)).isTrue();

            server.start().awaitReady();
            // At the first 200 of /-/ready: every sample of the WAL is queryable, and the JAX-RS
            // API (initialised after ready) answers its first request.
            assertThat(samples(server.get(count).body())).as("samples replayed before ready").isGreaterThanOrEqualTo(before);
            assertThat(server.get("/api/v1/label/job/values").body()).contains("\"self\"");
            assertThat(server.get("/api/v1/series?match%5B%5D=up").body()).contains("\"job\":\"self\"");
        }
    }

    /** The server JVM's compiled methods, one per line with its tier ({@code jcmd PID Compiler.codelist}). */
    private static String compiledMethods(ServerProcess server) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        return server.runToCompletion(List.of(jcmd, Long.toString(server.process().pid()), "Compiler.codelist")).output();
    }

    /** The value of a one-series instant query result, or 0 when there is none. */
    private static int samples(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"value\":\\[[^,]+,\"(\\d+)\"\\]").matcher(body);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
