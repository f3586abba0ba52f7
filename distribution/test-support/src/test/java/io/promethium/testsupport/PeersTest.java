package io.promethium.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class PeersTest {

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> properties = new HashMap<>();
    private final Peers peers = new Peers(environment::get, properties::get);

    private Path executable(String name) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void findsAProgramOnPath() throws IOException {
        Path program = executable("prometheus");
        environment.put("PATH", "/nonexistent:" + dir);
        assertThat(peers.requireProgram("prometheus")).isEqualTo(program);
    }

    @Test
    void aSystemPropertyNamesTheProgramsPath() throws IOException {
        Path program = executable("my-prometheus");
        properties.put("promethium.peer.prometheus", program.toString());
        assertThat(peers.requireProgram("prometheus")).isEqualTo(program);
    }

    @Test
    void aMissingPeerFailsUnderCiNamingItAndItsPackage() {
        environment.put("PATH", dir.toString());
        environment.put("CI", "true");
        assertThatThrownBy(() -> peers.requireProgram("amtool"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'amtool' not found")
                .hasMessageContaining("prometheus-alertmanager");
    }

    @Test
    void aMissingPeerSkipsOutsideCiSayingWhy() {
        environment.put("PATH", dir.toString());
        assertThatThrownBy(() -> peers.requireProgram("prometheus-not-installed-here"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("'prometheus-not-installed-here' not found on PATH");
    }

    @Test
    void aMissingCapabilityOfTheMachineFailsUnderCiAndSkipsElsewhereSayingWhy() {
        peers.requireCapabilityOf(true, "never said");
        assertThatThrownBy(() -> peers.requireCapabilityOf(false, "cannot mount a tmpfs (needs root)"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("cannot mount a tmpfs (needs root)");
        environment.put("CI", "true");
        assertThatThrownBy(() -> peers.requireCapabilityOf(false, "cannot mount a tmpfs (needs root)"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("CI=true: required of the machine: cannot mount a tmpfs (needs root)");
    }

    @Test
    void ciFalseOrEmptyIsNotCi() {
        environment.put("CI", "false");
        assertThat(peers.ci()).isFalse();
        environment.put("CI", "");
        assertThat(peers.ci()).isFalse();
        environment.put("CI", "1");
        assertThat(peers.ci()).isTrue();
    }

    @Test
    void aFileThatIsNotExecutableIsNotAProgram() throws IOException {
        Files.writeString(dir.resolve("prometheus"), "data");
        environment.put("PATH", dir.toString());
        assertThat(peers.findProgram("prometheus")).isEmpty();
    }

    @Test
    void everyKnownProgramNamesItsDebianPackage() {
        // Also loads the table: a program listed twice would fail every peer test at class load.
        environment.put("PATH", dir.toString());
        for (String program : new String[] {"prometheus", "promtool", "amtool", "chromedriver", "openssl"}) {
            assertThatThrownBy(() -> peers.requireProgram(program)).hasMessageContaining("install the Debian package");
        }
    }
}
