package io.promethium.exporter.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestNodeSettings {

    @Test
    void defaultsAreNodeExportersAndEveryCollectorIsOn() {
        NodeSettings s = NodeSettings.from(name -> null);
        assertThat(s.procfs()).isEqualTo(Path.of("/proc"));
        assertThat(s.sysfs()).isEqualTo(Path.of("/sys"));
        assertThat(s.rootfs()).isEqualTo(Path.of("/"));
        assertThat(s.collectors().values()).containsOnly(true);
        assertThat(s.collectors()).hasSize(27);
        assertThat(s.netdevDeviceExclude().pattern()).isEqualTo("^lo$");
        assertThat(s.netdevDeviceInclude()).isNull();
        assertThat(s.textfileDirectory()).isNull();
        assertThat(s.filesystemMountPointsExclude().matcher("/proc/sys").find()).isTrue();
        assertThat(s.filesystemFsTypesExclude().matcher("tmpfs").find()).isFalse();
        assertThat(s.diskstatsDeviceExclude().matcher("nvme0n1p1").find()).isTrue();
        assertThat(s.diskstatsDeviceExclude().matcher("nvme0n1").find()).isFalse();
        assertThat(s.cpuGuest()).isTrue();
    }

    @Test
    void theManifestHeaderDeclaresEveryFlagWithTheSameDefault() throws IOException {
        String bnd = Files.readString(Path.of("bnd.bnd"));
        for (Map.Entry<String, String> e : NodeSettings.DEFAULTS.entrySet()) {
            assertThat(bnd).contains("  " + e.getKey() + ";type=").contains(e.getKey() + ";type=" + (isBool(e.getValue()) ? "bool" : "string")
                    + ";default=\"" + e.getValue() + "\"");
        }
        for (String c : NodeSettings.COLLECTORS) {
            assertThat(bnd).contains("  collector." + c + ";type=bool;default=\"true\"");
        }
    }

    private static boolean isBool(String value) {
        return value.equals("true") || value.equals("false");
    }

    @Test
    void aBadPatternOrBooleanIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> NodeSettings.from(Map.of("promethium.flag.collector.netdev.device-exclude", "(")::get))
                .hasMessageContaining("--collector.netdev.device-exclude");
        assertThatThrownBy(() -> NodeSettings.from(Map.of("promethium.flag.collector.cpu", "yes")::get))
                .hasMessageContaining("--collector.cpu").hasMessageContaining("yes");
    }
}
