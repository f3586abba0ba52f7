package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.RecordingHttpServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stranger's first plugins, built from the tarball's {@code sdk/} only: in an empty folder,
 * {@code mvn archetype:generate} of each archetype and {@code mvn verify} (which runs each
 * plugin's tests, the discovery plugin's contract test among them), then the four jars dropped
 * into a running server's {@code plugins/} and seen working. A fifth project declares every
 * library {@code api/README.md} says a plugin may import ({@code provided}) and imports each package
 * it lists, so an artifact listed there but missing from {@code sdk/repository} fails the build.
 *
 * <p>No network: Maven gets the sdk's settings.xml with one addition, a mirror of every other
 * repository onto the build machine's local repository read as a {@code file://} remote (release
 * plugins and libraries only: Central's policy admits no SNAPSHOT, so every Promethium artifact
 * must come from {@code sdk/repository}). Maven writes only to a fresh local repository under
 * {@code target/}, never to the build machine's.
 */
class PluginSdkIT {

    private static final String VERSION = System.getProperty("promethium.version", "0.1.0-SNAPSHOT");
    private static final List<String> KINDS = List.of("discovery", "notifier", "exporter", "storage");

    /** The project that imports every library the api README lists (built, never run). */
    private static final String IMPORTS = "mycorp-imports";

    private static Path work;
    private static Path settings;
    private static Path localRepository;
    private static ServerProcess server;

    @BeforeAll
    static void buildThePluginsFromTheSdk() throws Exception {
        Path dist = Path.of(System.getProperty("promethium.dist", "target/promethium"));
        assertThat(dist.resolve("sdk/repository/io/promethium/promethium-plugin-parent")).as("sdk/ in the tarball").isDirectory();
        Path root = Path.of("target/plugin-sdk-it").toAbsolutePath();
        ServerProcess.deleteTree(root);
        work = Files.createDirectories(root.resolve("work"));
        localRepository = Files.createDirectories(root.resolve("repository"));
        settings = root.resolve("settings.xml");
        Path buildRepository = Path.of(System.getProperty("promethium.build.repository", System.getProperty("user.home") + "/.m2/repository"));
        String shipped = Files.readString(dist.resolve("sdk/settings.xml"));
        Files.writeString(settings, shipped.replace("<profiles>", """
                <mirrors>
                    <mirror>
                      <id>build-machine</id>
                      <mirrorOf>*,!promethium-sdk</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                  <profiles>""".formatted(buildRepository.toUri())));

        server = ServerProcess.prepare();
        for (String kind : KINDS) {
            mvn(work, "org.apache.maven.plugins:maven-archetype-plugin:3.3.1:generate",
                    "-DarchetypeGroupId=io.promethium", "-DarchetypeArtifactId=promethium-" + kind + "-archetype",
                    "-DarchetypeVersion=" + VERSION, "-DgroupId=com.example", "-DartifactId=mycorp-" + kind,
                    "-Dversion=1.0.0", "-Dpackage=com.example." + kind, "-DpluginType=mycorp");
        }
        // One reactor over the four generated projects: the same as four `mvn verify`, one JVM start.
        StringBuilder modules = new StringBuilder();
        for (String kind : KINDS) {
            modules.append("<module>mycorp-").append(kind).append("</module>");
        }
        writeTheImportsProject(work.resolve(IMPORTS));
        modules.append("<module>").append(IMPORTS).append("</module>");
        Files.writeString(work.resolve("pom.xml"), """
                <project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>all</artifactId>
                <version>1</version><packaging>pom</packaging><modules>%s</modules></project>""".formatted(modules));
        mvn(work, "verify");
    }

    /** The rows of api/README.md's table of importable libraries: their packages and the artifacts to declare. */
    record Library(List<String> packages, List<String> artifacts) {
    }

    static List<Library> importableLibraries() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("promethium.api.readme", "../api/README.md")));
        int from = readme.indexOf("<!-- api-table:libraries -->");
        int to = readme.indexOf("<!-- /api-table:libraries -->");
        assertThat(from).as("the libraries table of api/README.md").isPositive().isLessThan(to);
        Pattern ticked = Pattern.compile("`([^`]+)`");
        List<Library> libraries = new ArrayList<>();
        for (String row : readme.substring(from, to).split("\n")) {
            String[] cells = row.split("\\|");
            if (cells.length < 4 || !row.contains("`") || cells[1].trim().equals("library")) {
                continue; // not a row, or the header
            }
            List<String> packages = new ArrayList<>();
            List<String> artifacts = new ArrayList<>();
            for (Matcher m = ticked.matcher(cells[2]); m.find(); ) {
                packages.add(m.group(1));
            }
            for (Matcher m = ticked.matcher(cells[3]); m.find(); ) {
                assertThat(m.group(1)).as("an artifact of the libraries table: group:artifact[:version]").matches("[^:\\s]+:[^:\\s]+(:[^:\\s]+)?");
                artifacts.add(m.group(1));
            }
            libraries.add(new Library(packages, artifacts));
        }
        assertThat(libraries).as("rows of the libraries table").hasSizeGreaterThan(5);
        return libraries;
    }

    /**
     * A plugin project (the sdk's parent) declaring every artifact of the table {@code provided}
     * ({@code io.promethium} ones at the server's version, from {@code sdk/repository} only) and
     * importing every package the table lists: javac refuses an import of a package it cannot see.
     */
    private static void writeTheImportsProject(Path project) throws IOException {
        StringBuilder dependencies = new StringBuilder();
        StringBuilder imports = new StringBuilder();
        for (Library library : importableLibraries()) {
            for (String artifact : library.artifacts()) {
                String[] gav = artifact.split(":");
                // A third-party library's own dependencies come from Central for an author; the build
                // machine's repository holds only what the server needed, so they are left out here.
                // Promethium's libraries keep theirs: those must all be in sdk/repository.
                boolean ours = gav[0].equals("io.promethium");
                dependencies.append("<dependency><groupId>").append(gav[0]).append("</groupId><artifactId>").append(gav[1])
                        .append("</artifactId><version>").append(gav.length > 2 ? gav[2] : "${promethium.version}")
                        .append("</version><scope>provided</scope>")
                        .append(ours ? "" : "<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>")
                        .append("</dependency>\n");
            }
            for (String pkg : library.packages()) {
                imports.append("import ").append(pkg).append(".*;\n");
            }
        }
        Files.createDirectories(project.resolve("src/main/java/com/example/imports"));
        Files.writeString(project.resolve("pom.xml"), """
                <project><modelVersion>4.0.0</modelVersion>
                <parent><groupId>io.promethium</groupId><artifactId>promethium-plugin-parent</artifactId><version>%s</version><relativePath/></parent>
                <groupId>com.example</groupId><artifactId>%s</artifactId><version>1.0.0</version>
                <dependencies>
                %s</dependencies></project>""".formatted(VERSION, IMPORTS, dependencies));
        Files.writeString(project.resolve("src/main/java/com/example/imports/Imports.java"),
                "package com.example.imports;\n\n" + imports + "\nfinal class Imports {\n}\n");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** Runs Maven as an author would, with the sdk settings and the private local repository; fails with its output. */
    private static void mvn(Path directory, String... args) throws IOException, InterruptedException {
        String mavenHome = System.getProperty("maven.home");
        List<String> command = new ArrayList<>();
        command.add(mavenHome == null ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString());
        command.addAll(List.of("-B", "-s", settings.toString(), "-Dmaven.repo.local=" + localRepository));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PROMETHIUM_HOME", server.home.toString());
        // Not the build's own options; the first tier only: a short build, where the optimising compiler only costs CPU.
        env.put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1");
        Path log = directory.resolve("mvn-" + System.nanoTime() + ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("mvn " + String.join(" ", args) + " did not finish in 5 minutes\n" + Files.readString(log));
        }
        assertThat(process.exitValue()).as("mvn " + String.join(" ", args) + "\n" + Files.readString(log)).isZero();
    }

    private static Path jar(String kind) {
        return work.resolve("mycorp-" + kind + "/target/mycorp-" + kind + "-1.0.0.jar");
    }

    @Test
    void theSdkHoldsTheApiWithItsSourcesJavadocAndTestJars() {
        Path api = Path.of(System.getProperty("promethium.dist", "target/promethium"), "sdk/repository/io/promethium/promethium-api", VERSION);
        for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar", "-tests.jar")) {
            assertThat(api.resolve("promethium-api-" + VERSION + suffix)).isRegularFile();
        }
    }

    /** The build of {@link #writeTheImportsProject} passed; here: the Promethium libraries came from the sdk's repository. */
    @Test
    void everyLibraryTheApiReadmeListsIsInTheSdkRepository() throws IOException {
        assertThat(work.resolve(IMPORTS + "/target/classes/com/example/imports/Imports.class")).as("the imports project compiled").isRegularFile();
        TreeSet<String> ours = new TreeSet<>();
        for (Library library : importableLibraries()) {
            library.artifacts().stream().filter(a -> a.startsWith("io.promethium:")).forEach(a -> ours.add(a.split(":")[1]));
        }
        assertThat(ours).as("Promethium libraries the README lists").contains("promethium-exposition", "promethium-remote-wire");
        for (String artifact : ours) {
            assertThat(localRepository.resolve("io/promethium/" + artifact + "/" + VERSION + "/_remote.repositories"))
                    .as(artifact + " resolved from the sdk's repository").content().contains("promethium-sdk");
        }
    }

    @Test
    void eachArchetypeGivesAPluginJarWhoseTestsPass() throws IOException {
        for (String kind : KINDS) {
            assertThat(jar(kind)).as(kind + " plugin jar").isRegularFile();
            Path reports = work.resolve("mycorp-" + kind + "/target/surefire-reports");
            try (Stream<Path> files = Files.list(reports)) {
                String all = String.join("\n", files.filter(f -> f.toString().endsWith(".txt")).map(PluginSdkIT::read).toList());
                assertThat(all).as(kind + " test reports").contains("Tests run:").doesNotContain("Tests run: 0,")
                        .doesNotContainPattern("(Failures|Errors): [1-9]");
            }
        }
        assertThat(work.resolve("mycorp-discovery/target/surefire-reports/com.example.discovery.FolderDiscovererContractTest.txt"))
                .as("the discovery plugin passes the discoverer contract").content()
                .contains("Tests run: " + contractTests(io.promethium.api.discovery.AbstractDiscovererContractTest.class)
                        + ", Failures: 0, Errors: 0, Skipped: 0");
        assertThat(work.resolve("mycorp-storage/target/surefire-reports/com.example.storage.MemoryStorageContractTest.txt"))
                .as("the storage plugin's Appender passes the storage contract").content()
                .contains("Tests run: " + contractTests(io.promethium.testkit.AbstractStorageContractTest.class) + ", Failures: 0, Errors: 0");
        assertThat(localRepository.resolve("io/promethium/promethium-api/" + VERSION + "/_remote.repositories"))
                .as("the api came from the sdk's repository").content().contains("promethium-sdk");
    }

    @Test
    void thePluginsRunInTheServerOnceDroppedIntoPlugins() throws Exception {
        Files.createDirectories(server.home.resolve("conf/targets"));
        Files.writeString(server.home.resolve("conf/targets/self.targets"), "127.0.0.1:" + server.port + "\n");
        Path alertmanager = server.home.resolve("conf/alertmanager.yml");
        Files.writeString(alertmanager, "route:\n  receiver: team\nreceivers:\n  - name: team\n");
        server.start("--web.enable-lifecycle", "--plugins.scan-interval=1s", "--alertmanager.config.file=conf/alertmanager.yml").awaitReady();
        for (String kind : KINDS) {
            Files.copy(jar(kind), server.home.resolve("plugins/mycorp-" + kind + ".jar"));
        }

        // The exporter's page, served and scraped in-process.
        server.await(Duration.ofSeconds(30), () -> server.get("/exporters/mycorp/metrics").body().contains("mycorp_filesystem_avail_bytes"),
                "the exporter's metrics at /exporters/mycorp/metrics");
        // The storage plugin's series, merged into queries.
        server.await(Duration.ofSeconds(30),
                () -> server.get("/api/v1/query?query=" + URLEncoder.encode("mycorp_static_value{instance=\"a\"}", StandardCharsets.UTF_8))
                        .body().contains("\"source\":\"mycorp\""),
                "the storage plugin's series in a query");
        // The discovery plugin's key, in a config loaded after the plugin arrived; the notifier's in
        // the in-process Alertmanager's config, loaded by the same reload, sending to a loopback recorder.
        RecordingHttpServer hook = RecordingHttpServer.http();
        Files.writeString(alertmanager, """
                route:
                  receiver: team
                  group_by: [alertname]
                  group_wait: 1s
                receivers:
                  - name: team
                    mycorp_configs:
                      - url: %s
                """.formatted(hook.url("/hook")));
        Files.writeString(server.home.resolve("conf/prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: sdk-discovery
                    mycorp_sd_configs:
                      - directory: targets
                        refresh_interval: 1s
                """);
        server.await(Duration.ofSeconds(30), () -> server.post("/-/reload").statusCode() == 200, "reload with mycorp_sd_configs");
        server.await(Duration.ofSeconds(30), () -> {
            String targets = server.get("/api/v1/targets").body();
            return targets.contains("\"__meta_mycorp_file\":\"self.targets\"") && targets.contains("\"health\":\"up\"");
        }, "the discovered target in /api/v1/targets, scraped");

        // The notifier, in the running server: an alert posted to the in-process Alertmanager reaches the recorder.
        try (hook) {
            server.await(Duration.ofSeconds(30), () -> server.get("/metrics").body().contains("alertmanager_config_last_reload_successful 1")
                    && !server.get("/metrics").body().contains("promethium_config_waiting_plugin{key=\"mycorp_configs\"} 1"),
                    "the mycorp receiver loaded");
            HttpResponse<String> posted = server.send(HttpRequest.newBuilder(server.uri("/api/v2/alerts"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[{\"labels\":{\"alertname\":\"SdkNotifier\"}}]")));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            List<RecordingHttpServer.Request> sent = hook.await(1, Duration.ofSeconds(30));
            assertThat(sent).as("the mycorp notifier's POST at the recorder").isNotEmpty();
            assertThat(sent.getFirst().path()).isEqualTo("/hook");
            assertThat(sent.getFirst().text()).isEqualTo("[FIRING:1] SdkNotifier (team)");
        }

        // The notifier's key, accepted by check alertmanager-config (which loads plugins/); a wrong field named.
        Path am = server.home.resolve("conf/sdk-alertmanager.yml");
        Files.writeString(am, """
                route:
                  receiver: team
                receivers:
                  - name: team
                    mycorp_configs:
                      - url: http://127.0.0.1:9/hook
                """);
        ServerProcess.Result ok = server.runToCompletion("check", "alertmanager-config", am.toString());
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        Files.writeString(am, Files.readString(am) + "        channel: ops\n");
        ServerProcess.Result bad = server.runToCompletion("check", "alertmanager-config", am.toString());
        assertThat(bad.exitCode()).as(bad.output()).isEqualTo(1);
        assertThat(bad.output()).contains("channel");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The contract's checks: the {@code @Test} methods of the kit's base, each run once for a plugin's subclass. */
    private static long contractTests(Class<?> base) {
        return java.util.Arrays.stream(base.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(org.junit.jupiter.api.Test.class)).count();
    }
}
