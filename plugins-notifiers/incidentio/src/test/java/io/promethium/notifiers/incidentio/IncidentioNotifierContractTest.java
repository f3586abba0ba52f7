package io.promethium.notifiers.incidentio;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for incident.io's HTTP alert source (answers 202). */
class IncidentioNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new IncidentioNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("url", baseUrl + "/v2/alert_events/http/01ABC", "alert_source_token", "iio-secret-token");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("url", "ftp://example.com/hook"); // not http(s)
    }

    @Override
    protected boolean alertmanagerSendsResolvedByDefault() {
        return true;
    }

    @Override
    protected String templateField() {
        return null;
    }

    @Override
    protected Response okBody() {
        return Response.of(202, "application/json", "{\"status\":\"success\",\"message\":\"Event accepted for processing\",\"deduplication_key\":\"k\"}");
    }
}
