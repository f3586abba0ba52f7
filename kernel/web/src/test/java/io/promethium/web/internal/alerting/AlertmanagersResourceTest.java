package io.promethium.web.internal.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alerting.AlertmanagerTargets;
import io.promethium.web.internal.server.ApiServer;
import io.promethium.web.internal.server.ServiceSlot;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertmanagersResourceTest {

    @Test
    void listsActiveAndDroppedAlertmanagersAndIsUnavailableWithoutTheSender() throws Exception {
        ServiceSlot<AlertmanagerTargets> slot = new ServiceSlot<>("alert sender");
        try (ApiServer server = new ApiServer(w -> w.register(new AlertmanagersResource(slot)))) {
            assertThat(server.get("/api/v1/alertmanagers").statusCode()).isEqualTo(503);
            slot.bind(new AlertmanagerTargets() {
                @Override
                public List<URI> activeAlertmanagers() {
                    return List.of(URI.create("http://am:9093/api/v2/alerts"));
                }

                @Override
                public List<URI> droppedAlertmanagers() {
                    return List.of();
                }
            });
            assertThat(server.get("/api/v1/alertmanagers").body()).isEqualTo("{\"status\":\"success\",\"data\":{"
                    + "\"activeAlertmanagers\":[{\"url\":\"http://am:9093/api/v2/alerts\"}],\"droppedAlertmanagers\":[]}}");
        }
    }
}
