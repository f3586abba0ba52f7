package io.promethium.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.opentest4j.TestAbortedException;

/**
 * Finds the real programs that tests run against on loopback (Prometheus, Alertmanager, ...), so
 * that a test cannot pass by silently not running.
 *
 * <p>{@link #require(String)} returns the program's path. When it is missing, the test fails if
 * {@link Ci#active() CI} is set (CI runs with {@code CI=true}: a missing peer is a broken CI
 * machine), and is skipped otherwise, saying why and how to get it
 * ({@code distribution/dev/install-peers} installs them all). Call it first thing in a test or in
 * its {@code @BeforeAll}.
 *
 * <p>A program is looked up as the system property {@code promethium.peer.<program>} (a path),
 * else on {@code PATH}, else in {@code /usr/sbin} and {@code /sbin} (where Debian puts daemons
 * such as dnsmasq, off a normal user's {@code PATH}). Hiding a program from {@code PATH} therefore
 * makes it missing.
 *
 * <p>Part of {@code promethium-test-support}, the build's own test support: every module's tests,
 * plugins' included, use it; it is not shipped to plugin authors.
 */
public final class Peers {

    /** The Debian package of each program the tests use; named in the message when it is missing. */
    private static final Map<String, String> DEBIAN_PACKAGES = Map.ofEntries(
            Map.entry("prometheus", "prometheus"),
            Map.entry("promtool", "prometheus"),
            Map.entry("prometheus-alertmanager", "prometheus-alertmanager"),
            Map.entry("amtool", "prometheus-alertmanager"),
            Map.entry("prometheus-node-exporter", "prometheus-node-exporter"),
            Map.entry("prometheus-pushgateway", "prometheus-pushgateway"),
            Map.entry("victoria-metrics", "victoria-metrics"),
            Map.entry("dnsmasq", "dnsmasq"),
            Map.entry("chromium", "chromium"),
            Map.entry("chromedriver", "chromium-driver"),
            Map.entry("openssl", "openssl"),
            Map.entry("python3", "python3"));

    /** The Debian package of each Python module the tests use. */
    private static final Map<String, String> PYTHON_MODULES = Map.of("prometheus_client", "python3-prometheus-client");

    private static final List<String> SYSTEM_FOLDERS = List.of("/usr/sbin", "/sbin");

    private final Function<String, String> environment;
    private final Function<String, String> properties;

    Peers(Function<String, String> environment, Function<String, String> properties) {
        this.environment = environment;
        this.properties = properties;
    }

    private static Peers ofThisJvm() {
        return new Peers(System::getenv, System::getProperty);
    }

    /**
     * The path of {@code program}; if it is missing, fails the test under CI and skips it
     * otherwise, naming the program and its Debian package either way.
     */
    public static Path require(String program) {
        return ofThisJvm().requireProgram(program);
    }

    /**
     * The path of a {@code python3} that can import {@code module}; when either is missing, fails
     * the test under CI and skips it otherwise, as {@link #require(String)}.
     */
    public static Path requirePythonModule(String module) {
        return ofThisJvm().requireModule(module);
    }

    /**
     * Goes on when {@code available}; otherwise fails the test under CI and skips it elsewhere,
     * saying {@code reason}, as {@link #require(String)} does for a program. For what a test needs
     * of the machine rather than a program (root, to mount a {@code tmpfs}): a CI machine must
     * provide it as it provides the peers, so the test cannot pass there by not running.
     */
    public static void requireCapability(boolean available, String reason) {
        ofThisJvm().requireCapabilityOf(available, reason);
    }

    /** The path of {@code program}, if it is installed. */
    public static Optional<Path> find(String program) {
        return ofThisJvm().findProgram(program);
    }

    Path requireProgram(String program) {
        Optional<Path> found = findProgram(program);
        if (found.isPresent()) {
            return found.get();
        }
        throw unavailable("required peer ", missingReason(program));
    }

    void requireCapabilityOf(boolean available, String reason) {
        if (!available) {
            throw unavailable("required of the machine: ", reason);
        }
    }

    /** Under CI an assertion error, else a skip: thrown by the caller. */
    private RuntimeException unavailable(String what, String reason) {
        if (ci()) {
            throw new AssertionError("CI=" + environment.apply("CI") + ": " + what + reason);
        }
        System.err.println("SKIPPED: " + reason);
        return new TestAbortedException("skipped: " + reason);
    }

    Path requireModule(String module) {
        // Debian's module is importable by /usr/bin/python3 only; a pyenv or venv python3 may come first on PATH.
        List<String> folders = searchFolders();
        folders.add("/usr/bin");
        Path python = null;
        for (String folder : folders) {
            Path candidate = Path.of(folder, "python3");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                python = python == null ? candidate : python;
                if (importable(candidate, module)) {
                    return candidate;
                }
            }
        }
        if (python == null) {
            python = requireProgram("python3");
        }
        throw unavailable("required peer ", "Python module '" + module + "' not importable by " + python
                + "; install the Debian package " + PYTHON_MODULES.getOrDefault(module, "that provides it")
                + " (distribution/dev/install-peers does)");
    }

    private static boolean importable(Path python, String module) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import " + module).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Optional<Path> findProgram(String program) {
        String explicit = properties.apply("promethium.peer." + program);
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (String folder : searchFolders()) {
            Path candidate = Path.of(folder, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    boolean ci() {
        return Ci.active(environment.apply("CI"));
    }

    private List<String> searchFolders() {
        List<String> folders = new ArrayList<>();
        String path = environment.apply("PATH");
        if (path != null) {
            for (String folder : path.split(File.pathSeparator)) {
                if (!folder.isEmpty()) {
                    folders.add(folder);
                }
            }
        }
        folders.addAll(SYSTEM_FOLDERS);
        return folders;
    }

    private String missingReason(String program) {
        String explicit = properties.apply("promethium.peer." + program);
        String where = explicit != null && !explicit.isBlank()
                ? "at " + explicit + " (system property promethium.peer." + program + ")"
                : "on PATH or in " + String.join(", ", SYSTEM_FOLDERS);
        String debianPackage = DEBIAN_PACKAGES.get(program);
        String install = debianPackage == null
                ? "install it"
                : "install the Debian package " + debianPackage + " (distribution/dev/install-peers does)";
        return "'" + program + "' not found " + where + "; " + install;
    }
}
