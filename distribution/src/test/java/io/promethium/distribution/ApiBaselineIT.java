package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api's build fails on an incompatible change made without the version bump it needs: the
 * api module (with the parent pom) is copied, one public field of {@code WalPosition} removed,
 * and its own {@code mvn verify} must stop at bnd's baseline naming the package and the major
 * version it needs. The comparison engine is tested in {@code ApiBaselineTest}; this is the wiring.
 */
class ApiBaselineIT {

    @TempDir
    Path work;

    @Test
    void removingAPublicMemberWithoutAMajorVersionBumpFailsTheApiBuild() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent(); // the distribution module's parent: the repository
        Files.copy(root.resolve("pom.xml"), work.resolve("pom.xml"));
        Path api = work.resolve("api");
        copyTree(root.resolve("api"), api);
        Path walPosition = api.resolve("src/main/java/io/promethium/api/storage/WalPosition.java");
        String source = Files.readString(walPosition);
        String field = "public static final WalPosition START = new WalPosition(0, 0);";
        assertThat(source).contains(field);
        Files.writeString(walPosition, source.replace(field, ""));

        String mavenHome = System.getProperty("maven.home");
        List<String> command = new ArrayList<>(List.of(mavenHome == null ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString(),
                "-B", "-o", "verify", "-DskipTests", "-Dmaven.javadoc.skip=true", "-Dmaven.source.skip=true"));
        String repository = System.getProperty("promethium.build.repository");
        if (repository != null) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(api.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_OPTS");
        Path log = work.resolve("mvn.log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the api build did not finish in 5 minutes\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertThat(process.exitValue()).as("the api build must fail\n" + output).isNotZero();
        assertThat(output).contains("bnd-baseline-maven-plugin", "Baseline problems detected")
                .containsPattern("io\\.promethium\\.api\\.storage\\s+PACKAGE\\s+MAJOR\\s+\\S+\\s+\\S+\\s+2\\.0\\.0");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path relative = from.relativize(p);
                if (relative.startsWith("target")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
