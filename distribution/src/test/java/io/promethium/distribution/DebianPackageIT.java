package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Debian package the build makes ({@code target/promethium_<version>_amd64.deb}, jdeb): its
 * layout and conffiles, {@code lintian} clean (the tags the package overrides are justified in
 * its {@code lintian-overrides}), and the unit's command started from the package's files as
 * systemd would start it. The test machine is shared, so the package is unpacked into a scratch
 * root ({@code dpkg-deb -x}) instead of installed: the unit's and {@code /etc/default}'s absolute
 * paths are taken into that root; the maintainer scripts, which would create a user and remove
 * {@code /var/lib/promethium} on purge, are only syntax-checked ({@code sh -n}).
 */
class DebianPackageIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path deb() {
        Path deb = Path.of(System.getProperty("promethium.deb", "target/none.deb"));
        Assumptions.assumeTrue(Files.isRegularFile(deb), "no Debian package (built with -Ddeb.skip=true): " + deb);
        return deb;
    }

    @Test
    void thePackageHoldsTheInstallItsRuntimeTheConffilesAndTheUnit() throws Exception {
        Path deb = deb();
        String contents = run(List.of("dpkg-deb", "--contents", deb.toString()), 0);
        assertThat(contents).contains("./usr/lib/promethium/bin/promethium", "./usr/lib/promethium/runtime/bin/java",
                "./usr/lib/promethium/lib/promethium-launcher.jar", "./etc/promethium/prometheus.yml",
                "./etc/promethium/alertmanager.yml", "./etc/default/promethium", "./lib/systemd/system/promethium.service",
                "./var/lib/promethium/plugins/promethium-exporter-node.jar", "./var/cache/promethium/",
                "./usr/share/doc/promethium/copyright", "./usr/share/doc/promethium/changelog.gz",
                "./usr/share/lintian/overrides/promethium");
        assertThat(contents).containsPattern("-rwxr-xr-x .* \\./usr/lib/promethium/runtime/bin/java")
                .containsPattern("-rwxr-xr-x .* \\./usr/lib/promethium/bin/promethium")
                .containsPattern("\\./usr/bin/promethium -> \\.\\./lib/promethium/bin/promethium");
        assertThat(contents).as("no data, cache or build config of the tarball").doesNotContain("./usr/lib/promethium/data/")
                .doesNotContain("./usr/lib/promethium/conf/").doesNotContain("./usr/lib/promethium/cache/");
        Path control = Files.createTempDirectory("promethium-deb-control");
        try {
            run(List.of("dpkg-deb", "--control", deb.toString(), control.toString()), 0);
            assertThat(Files.readAllLines(control.resolve("conffiles"))).containsExactlyInAnyOrder(
                    "/etc/promethium/prometheus.yml", "/etc/promethium/alertmanager.yml", "/etc/default/promethium");
            for (String script : List.of("postinst", "prerm", "postrm")) {
                run(List.of("sh", "-n", control.resolve(script).toString()), 0);
            }
            assertThat(Files.readString(control.resolve("postinst"))).contains("adduser --quiet --system --group");
            assertThat(Files.readString(control.resolve("postrm"))).contains("rm -rf /var/lib/promethium /var/cache/promethium");
        } finally {
            ServerProcess.deleteTree(control);
        }
    }

    @Test
    void lintianFindsNothingTheOverridesDoNotJustify() throws Exception {
        Path deb = deb();
        Path lintian = Peers.require("lintian");
        ProcessResult result = exec(List.of(lintian.toString(), "--no-tag-display-limit", deb.toString()));
        List<String> tags = result.output().lines().filter(l -> l.matches("^[EW]: .*")).toList();
        assertThat(tags).as(result.output()).isEmpty();
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void theUnitsCommandFromTheUnpackedPackageServesReadyReloadsOnHupAndKeepsCodeOutOfTheData() throws Exception {
        Path deb = deb();
        Path root = Files.createTempDirectory("promethium-deb-root");
        Process server = null;
        try {
            run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), 0);
            String unit = Files.readString(root.resolve("lib/systemd/system/promethium.service"));
            assertThat(unit).contains("ExecReload=/bin/kill -HUP $MAINPID", "User=promethium", "EnvironmentFile=-/etc/default/promethium",
                    "ProtectSystem=strict", "ReadWritePaths=/var/lib/promethium /var/cache/promethium", "NoNewPrivileges=true");
            Matcher exec = Pattern.compile("(?m)^ExecStart=(\\S+) \\$ARGS$").matcher(unit);
            assertThat(exec.find()).as(unit).isTrue();
            Matcher args = Pattern.compile("(?m)^ARGS=\"([^\"]*)\"$").matcher(Files.readString(root.resolve("etc/default/promethium")));
            assertThat(args.find()).isTrue();

            int port = ServerProcess.freePort();
            List<String> command = new ArrayList<>();
            command.add(inRoot(root, exec.group(1)));
            for (String arg : args.group(1).split(" +")) {
                command.add(arg.replaceAll("=/(etc|var)/", "=" + root + "/$1/"));
            }
            command.add("--web.listen-address=127.0.0.1:" + port);
            Files.createDirectories(root.resolve("var/lib/promethium/data"));
            Path log = root.resolve("server.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().remove("PROMETHIUM_JAVA");
            builder.environment().put("JAVA_HOME", "/nonexistent");
            // The JIT's first tier, as ServerProcess starts every server not timed (the file of ARGS sets no JVM options).
            builder.environment().put(ServerProcess.JAVA_OPTS, ServerProcess.FIRST_TIER_ONLY);
            server = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int status = 0;
            while (System.nanoTime() < deadline && server.isAlive()) {
                status = get(port, "/-/ready");
                if (status == 200) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(status).as(Files.readString(log)).isEqualTo(200);
            assertThat(get(port, "/api/v1/status/config")).isEqualTo(200);

            new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start().waitFor(10, TimeUnit.SECONDS);
            awaitLog(log, "Received SIGHUP");
            try (var cache = Files.list(root.resolve("var/cache/promethium"))) {
                assertThat(cache.map(p -> p.getFileName().toString())).contains("promethium-core.properties");
            }
            try (var data = Files.walk(root.resolve("var/lib/promethium/data"))) {
                assertThat(data.filter(p -> p.getFileName().toString().startsWith("bundle"))).as("no code in the data folder").isEmpty();
            }
            server.destroy(); // SIGTERM, as systemctl stop
            assertThat(server.waitFor(40, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            if (server != null && server.isAlive()) {
                server.destroyForcibly();
            }
            ServerProcess.deleteTree(root);
        }
    }

    /**
     * A real {@code dpkg -i}, start and {@code dpkg --purge}, in a copy-on-write view of this
     * machine's root (an overlay mount in a mount namespace of its own, {@code unshare -m}): the
     * maintainer scripts run for real (the system user is made, the data and cache folders are
     * given to it, purge removes them) while the machine itself is left as it was. The server is
     * started as the unit starts it: as user {@code promethium}, with {@code /etc/default/promethium}'s
     * {@code ARGS}, inside the unit's sandbox: systemd does not run here, so the test applies its
     * file-system and privilege options by hand (ProtectSystem=strict with the ReadWritePaths,
     * ProtectHome, PrivateTmp, PrivateDevices, NoNewPrivileges, an empty CapabilityBoundingSet), on
     * a view with no Java ({@code /usr/lib/jvm} and {@code java} hidden: the server must run on the
     * package's own runtime, checked by the running process's executable), and
     * leaves the kernel-filter options (seccomp, address families, namespaces) to
     * {@code systemd-analyze}: the unit must pass {@code verify} and stay within an exposure of 4.0
     * in {@code security --offline}. Needs root (skipped elsewhere; under {@code CI=true} root
     * without overlay mounts fails).
     */
    @Test
    void thePackageInstallsStartsAsItsOwnUserAndPurgesInACopyOfThisMachine() throws Exception {
        Path deb = deb();
        Assumptions.assumeTrue("0".equals(run(List.of("id", "-u"), 0).strip()), "dpkg -i needs root: skipped");
        Peers.require("systemd-analyze");
        Path installed = Path.of("/usr/lib/promethium/bin/promethium");
        boolean installedBefore = Files.exists(installed);
        Path scratch = Files.createTempDirectory("promethium-deb-install");
        Process install = null;
        try {
            for (String dir : List.of("upper", "work", "root")) {
                Files.createDirectories(scratch.resolve(dir));
            }
            int port = ServerProcess.freePort();
            Path script = scratch.resolve("install.sh");
            Files.writeString(script, """
                    set -e
                    S=$1; R=$1/root
                    mount -t overlay overlay -o lowerdir=/,upperdir=$S/upper,workdir=$S/work $R
                    mount -t proc proc $R/proc
                    mount --rbind /dev $R/dev
                    mount -t tmpfs tmpfs $R/tmp
                    cp "$2" $R/tmp/promethium.deb
                    chroot $R dpkg -i /tmp/promethium.deb
                    echo "== user: $(chroot $R getent passwd promethium)"
                    sed -i "s|^ARGS=\\\"|ARGS=\\\"--web.listen-address=127.0.0.1:$3 |" $R/etc/default/promethium
                    systemd-analyze verify --root=$R /lib/systemd/system/promethium.service && echo "== unit verified"
                    systemd-analyze security --offline=true --root=$R --threshold=40 promethium.service > $S/security.txt \
                        && echo "== exposure within 4.0: $(grep -o 'Overall exposure level.*' $S/security.txt)"
                    # A machine without Java: the package must bring and use its own runtime.
                    [ -d $R/usr/lib/jvm ] && mount -t tmpfs -o ro,mode=0755 tmpfs $R/usr/lib/jvm
                    rm -f $R/usr/bin/java $R/etc/alternatives/java
                    chroot $R sh -c 'command -v java; ls /usr/lib/jvm' | grep -q . && echo "== java still here" || echo "== no java"
                    # The unit's sandbox, by hand: ReadWritePaths as separate writable mounts, then
                    # ProtectSystem=strict (the rest read-only), ProtectHome, PrivateTmp, PrivateDevices.
                    for p in /var/lib/promethium /var/cache/promethium; do mount --bind $R$p $R$p; done
                    mount -t tmpfs -o ro,mode=0755 tmpfs $R/home
                    mount -t tmpfs -o ro,mode=0700 tmpfs $R/root
                    mount -t tmpfs -o mode=1777 tmpfs $R/var/tmp
                    umount -l $R/dev
                    mount -t tmpfs -o mode=0755 tmpfs $R/dev
                    for d in null zero full random urandom tty; do touch $R/dev/$d; mount --bind /dev/$d $R/dev/$d; done
                    mkdir $R/dev/shm && mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
                    mount -o remount,bind,ro $R
                    touch $R/usr/lib/promethium/probe 2>/dev/null && echo "== sandbox leaks" || true
                    chroot $R setpriv --reuid=promethium --regid=promethium --init-groups --nnp --bounding-set=-all --inh-caps=-all \
                        sh -c '. /etc/default/promethium; exec /usr/bin/promethium $ARGS' > $S/server.log 2>&1 &
                    PID=$!
                    trap 'kill -9 $PID 2>/dev/null || true' EXIT
                    while [ ! -e $S/stop ]; do
                      kill -0 $PID 2>/dev/null || { echo "== server exited early"; cat $S/server.log; exit 1; }
                      sleep 0.2
                    done
                    echo "== java running: $(readlink /proc/$PID/exe)"
                    echo "== data owner: $(chroot $R stat -c %U /var/lib/promethium/data) cache owner: $(chroot $R stat -c %U /var/cache/promethium)"
                    kill -TERM $PID
                    wait $PID && echo "== server exit 0" || echo "== server exit $?"
                    # Warnings and errors while serving; once stopping, the REST whiteboard may log services
                    # of bundles already stopped (it starts after ready, and the stop can come while it starts).
                    sed '/Stopping Promethium/q' $S/server.log | grep -E 'level=(WARN|ERROR)' | grep -v 'Jersey' | sed 's/^/== logged: /' || true
                    mount -o remount,bind,rw $R
                    umount $R/var/lib/promethium $R/var/cache/promethium
                    chroot $R dpkg --purge promethium
                    chroot $R dpkg -s promethium >/dev/null 2>&1 && echo "== still installed" || echo "== purged"
                    for p in /var/lib/promethium /var/cache/promethium /etc/promethium /usr/lib/promethium /usr/bin/promethium \
                        /etc/default/promethium /lib/systemd/system/promethium.service \\
                        /etc/systemd/system/multi-user.target.wants/promethium.service; do
                      [ -e $R$p ] || [ -L $R$p ] && echo "== left: $p"
                    done
                    echo "== done"
                    """);
            Path log = scratch.resolve("install.log");
            ProcessBuilder installer = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", script.toString(),
                    scratch.toString(), deb.toAbsolutePath().toString(), Integer.toString(port)).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // Reaches the server through chroot, setpriv and the sourced /etc/default/promethium (which sets
            // none): the JIT's first tier, as ServerProcess starts every server not timed.
            installer.environment().put(ServerProcess.JAVA_OPTS, ServerProcess.FIRST_TIER_ONLY);
            install = installer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            int status = 0;
            while (System.nanoTime() < deadline && install.isAlive()) {
                status = get(port, "/-/ready");
                if (status == 200) {
                    break;
                }
                Thread.sleep(250);
            }
            if (status != 200 && Files.readString(log).contains("overlay") && !io.promethium.testsupport.Ci.active()) {
                Assumptions.abort("no overlay mounts here: " + Files.readString(log));
            }
            assertThat(status).as(Files.readString(log)).isEqualTo(200);
            assertThat(get(port, "/api/v1/status/config")).isEqualTo(200);
            Files.writeString(scratch.resolve("stop"), "");
            assertThat(install.waitFor(120, TimeUnit.SECONDS)).as("install script finished").isTrue();
            String out = Files.readString(log);
            assertThat(install.exitValue()).as(out).isZero();
            assertThat(out).containsPattern("== user: promethium:x:\\d+:\\d+:.*:/var/lib/promethium:")
                    .contains("== unit verified", "== exposure within 4.0", "== data owner: promethium cache owner: promethium",
                            "== server exit 0", "== purged", "== done", "== no java")
                    .containsPattern("== java running: \\S*/usr/lib/promethium/runtime/bin/java\\n")
                    .doesNotContain("== left:", "== sandbox leaks", "== logged:", "== java still here");
            assertThat(Files.exists(installed)).as("this machine untouched: " + installed).isEqualTo(installedBefore);
        } finally {
            if (install != null && install.isAlive()) {
                Files.writeString(scratch.resolve("stop"), "");
                if (!install.waitFor(60, TimeUnit.SECONDS)) {
                    install.destroyForcibly();
                }
            }
            // The namespace and its mounts end with the script; what is left is plain files.
            ServerProcess.deleteTree(scratch);
        }
    }

    private static String inRoot(Path root, String absolute) {
        return root.resolve(absolute.substring(1)).toString();
    }

    private static void awaitLog(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(Files.readString(log)).contains(text);
    }

    private static int get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    record ProcessResult(int exitCode, String output) {
    }

    private static ProcessResult exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished: " + command).isTrue();
        return new ProcessResult(p.exitValue(), output);
    }

    private static String run(List<String> command, int expected) throws Exception {
        ProcessResult result = exec(command);
        assertThat(result.exitCode()).as(command + ": " + result.output()).isEqualTo(expected);
        return result.output();
    }
}
