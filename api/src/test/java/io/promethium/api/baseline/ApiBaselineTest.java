package io.promethium.api.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.header.Attrs;
import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Instructions;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import aQute.bnd.service.diff.Delta;
import aQute.bnd.version.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api's semantic versions are checked against the reference jar in {@code api/baseline/} with
 * bnd's differ, the engine of {@code bnd-baseline-maven-plugin} that fails {@code verify}. These
 * tests make changes to a copy of the built classes (one class recompiled from a changed source)
 * and show that each is caught unless the package version moves as the change requires.
 */
class ApiBaselineTest {

    private static final Path CLASSES = Path.of("target/classes");
    private static final String STORAGE = "io.promethium.api.storage";

    @TempDir
    Path copy;

    private Path reference;

    @BeforeEach
    void findReference() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of("baseline"))) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().matches("promethium-api-.*\\.jar")).toList();
            assertThat(found).as("exactly one reference jar in api/baseline").hasSize(1);
            reference = found.getFirst();
        }
        copyTree(CLASSES, copy);
    }

    @Test
    void theBuiltApiKeepsTheVersionsItsChangesSinceTheReferenceRequire() throws Exception {
        assertThat(mismatches(copy)).isEmpty();
    }

    @Test
    void removingAPublicMemberWithoutAMajorBumpFails() throws Exception {
        recompile("WalPosition", """
                package io.promethium.api.storage;
                public record WalPosition(int segment, long offset) implements Comparable<WalPosition> {
                    public int compareTo(WalPosition o) { return 0; }
                }
                """); // START is gone
        Set<Baseline.Info> bad = mismatches(copy);
        assertThat(bad).extracting(i -> i.packageName).containsExactly(STORAGE);
        Baseline.Info info = bad.iterator().next();
        assertThat(info.packageDiff.getDelta()).isEqualTo(Delta.MAJOR);
        assertThat(info.suggestedVersion.getMajor()).isEqualTo(info.olderVersion.getMajor() + 1);
    }

    @Test
    void addingAPublicMemberWithoutAMinorBumpFailsAndPassesWithIt() throws Exception {
        exportVersion(STORAGE, referenceVersion(STORAGE)); // as if nothing had been bumped since the reference
        recompile("WalPosition", """
                package io.promethium.api.storage;
                public record WalPosition(int segment, long offset) implements Comparable<WalPosition> {
                    public static final WalPosition START = new WalPosition(0, 0);
                    public int compareTo(WalPosition o) { return 0; }
                    public boolean isStart() { return segment == 0 && offset == 0; }
                }
                """);
        Set<Baseline.Info> bad = mismatches(copy);
        assertThat(bad).extracting(i -> i.packageName).containsExactly(STORAGE);
        Baseline.Info info = bad.iterator().next();
        assertThat(info.packageDiff.getDelta()).isEqualTo(Delta.MINOR);

        exportVersion(STORAGE, info.suggestedVersion);
        assertThat(mismatches(copy)).isEmpty();
    }

    private Version referenceVersion(String pkg) throws Exception {
        try (Jar older = new Jar(reference.toFile())) {
            String exports = older.getManifest().getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            return Version.parseVersion(new Parameters(exports).get(pkg).getVersion());
        }
    }

    private Set<Baseline.Info> mismatches(Path classes) throws Exception {
        try (Jar newer = new Jar(classes.toFile()); Jar older = new Jar(reference.toFile());
                Processor reporter = new Processor()) {
            Set<Baseline.Info> infos = new Baseline(reporter, new DiffPluginImpl())
                    .baseline(newer, older, new Instructions("*"));
            assertThat(reporter.getErrors()).isEmpty();
            return infos.stream().filter(i -> i.mismatch).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** Replaces one class of the copy with {@code source} compiled against the api. */
    private void recompile(String simpleName, String source) throws IOException {
        Path src = Files.createTempDirectory(copy.getParent(), "src");
        Path file = src.resolve(simpleName + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "21", "-proc:none", "-nowarn",
                "-cp", CLASSES.toString(), "-d", copy.toString(), file.toString());
        assertThat(rc).as("javac exit code").isZero();
    }

    /** Sets a package's version in the copy's Export-Package, as bnd would from package-info. */
    private void exportVersion(String pkg, Version version) throws IOException {
        Path mf = copy.resolve("META-INF/MANIFEST.MF");
        Manifest manifest;
        try (InputStream in = Files.newInputStream(mf)) {
            manifest = new Manifest(in);
        }
        Parameters exports = new Parameters(manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE));
        Attrs attrs = exports.get(pkg);
        attrs.put(Constants.VERSION_ATTRIBUTE, version.toString());
        manifest.getMainAttributes().putValue(Constants.EXPORT_PACKAGE, exports.toString());
        try (OutputStream out = Files.newOutputStream(mf)) {
            manifest.write(out);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
