package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plugins dropped into, and removed from, a running server; broken plugins; the admin API. */
class HotDeployIT {

    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.prepare().start("--web.enable-admin-api", "--plugins.scan-interval=1s").awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void exampleJarDroppedInShowsItsMetricWithin15SecondsAndRemovingItRemovesIt() throws Exception {
        Path jar = server.home.resolve("plugins/hello.jar");
        Files.copy(server.home.resolve("examples/plugins/promethium-example-hello.jar"), jar);
        server.await(Duration.ofSeconds(15), () -> server.get("/metrics").body().contains("promethium_example_hello 1"),
                "example metric after drop-in");
        assertThat(server.get("/api/v1/admin/plugins").body()).contains("\"file\":\"hello.jar\"")
                .contains("io.promethium.api.collect.Collector");
        Files.delete(jar);
        server.await(Duration.ofSeconds(15), () -> !server.get("/metrics").body().contains("promethium_example_hello"),
                "example metric gone after removal");
    }

    @Test
    void corruptJarIsReportedWithItsErrorAndTheServerKeepsServing() throws Exception {
        Files.writeString(server.home.resolve("plugins/corrupt.jar"), "this is not a zip file");
        server.await(Duration.ofSeconds(15), () -> server.get("/api/v1/admin/plugins").body().contains("corrupt.jar"),
                "corrupt jar listed");
        String plugins = server.get("/api/v1/admin/plugins").body();
        assertThat(plugins).contains("\"state\":\"FAILED\"").contains("corrupt.jar");
        assertThat(server.get("/-/healthy").statusCode()).isEqualTo(200);
        assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
        Files.delete(server.home.resolve("plugins/corrupt.jar"));
        assertThat(countOccurrences(server.output(), "Plugin corrupt.jar failed")).as("logged once").isEqualTo(1);
    }

    @Test
    void bundleThatCannotResolveIsReportedWithTheMissingPackage() throws Exception {
        Path jar = server.home.resolve("plugins/unresolvable.jar");
        Files.write(jar, bundleJar("test.unresolvable", "com.example.does.not.exist"));
        server.await(Duration.ofSeconds(15), () -> server.get("/api/v1/admin/plugins").body().contains("com.example.does.not.exist"),
                "resolution error listed");
        assertThat(server.get("/-/ready").statusCode()).isEqualTo(200);
        Files.delete(jar);
        server.await(Duration.ofSeconds(15), () -> !server.get("/api/v1/admin/plugins").body().contains("test.unresolvable"),
                "unresolvable bundle gone after removal");
    }

    @Test
    void adminApiInstallsStopsStartsAndUninstallsAnUploadedPlugin() throws Exception {
        byte[] jar = Files.readAllBytes(server.home.resolve("examples/plugins/promethium-example-hello.jar"));
        HttpResponse<String> installed = server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins?file=uploaded-hello.jar"))
                .header("Content-Type", "application/java-archive").POST(HttpRequest.BodyPublishers.ofByteArray(jar)));
        assertThat(installed.statusCode()).as(installed.body()).isEqualTo(200);
        assertThat(installed.body()).contains("\"state\":\"ACTIVE\"");
        assertThat(Files.exists(server.home.resolve("plugins/uploaded-hello.jar"))).isTrue();
        String id = installed.body().replaceAll("(?s).*\"id\":(\\d+).*", "$1");
        assertThat(server.get("/metrics").body()).contains("promethium_example_hello 1");

        assertThat(server.post("/api/v1/admin/plugins/" + id + "/stop").body()).contains("\"state\":\"RESOLVED\"");
        assertThat(server.get("/metrics").body()).doesNotContain("promethium_example_hello");
        assertThat(server.post("/api/v1/admin/plugins/" + id + "/start").body()).contains("\"state\":\"ACTIVE\"");
        assertThat(server.get("/metrics").body()).contains("promethium_example_hello 1");

        HttpResponse<String> removed = server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins/" + id)).DELETE());
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(Files.exists(server.home.resolve("plugins/uploaded-hello.jar"))).isFalse();
        assertThat(server.get("/metrics").body()).doesNotContain("promethium_example_hello");

        HttpResponse<String> garbage = server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/plugins?file=garbage.jar"))
                .POST(HttpRequest.BodyPublishers.ofString("not a jar")));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("\"errorType\":\"bad_data\"");
        assertThat(Files.exists(server.home.resolve("plugins/garbage.jar"))).as("a refused upload leaves nothing").isFalse();
        assertThat(server.get("/api/v1/admin/plugins/99999").statusCode()).isEqualTo(404);
    }

    private static byte[] bundleJar(String symbolicName, String importPackage) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", importPackage);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.flush();
        }
        return bytes.toByteArray();
    }

    private static int countOccurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
