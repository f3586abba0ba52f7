package io.promethium.alertmanager.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the in-process Alertmanager keeps silences and the notification log. */
class AlertmanagerStoragePathTest {

    @Test
    void withoutTheFlagItLivesInTheServersDataFolder() {
        // The launcher hands the flag's empty default on as "".
        Map<String, String> flags = Map.of("alertmanager.storage.path", "", "storage.tsdb.path", "/srv/prom/data");
        assertThat(AlertmanagerComponent.storagePath(flags::get)).isEqualTo(Path.of("/srv/prom/data/alertmanager"));
    }

    @Test
    void theFlagWinsOverTheDataFolder() {
        Map<String, String> flags = Map.of("alertmanager.storage.path", "/var/lib/am ", "storage.tsdb.path", "/srv/prom/data");
        assertThat(AlertmanagerComponent.storagePath(flags::get)).isEqualTo(Path.of("/var/lib/am"));
    }

    @Test
    void neitherFlagSetMeansDataInTheWorkingFolder() {
        assertThat(AlertmanagerComponent.storagePath(name -> null)).isEqualTo(Path.of("data/alertmanager"));
    }
}
