package io.promethium.notifiers.opsgenie;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for Opsgenie's alerts API (202 with a request id). */
class OpsGenieNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new OpsGenieNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl + "/", "api_key", "og-secret-api-key");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("api_url", "ftp://example.com/hook"); // not http(s)
    }

    @Override
    protected boolean alertmanagerSendsResolvedByDefault() {
        return true;
    }

    @Override
    protected String templateField() {
        return "message";
    }

    @Override
    protected Response okBody() {
        return Response.of(202, "application/json", "{\"result\":\"Request will be processed\",\"took\":0.1,\"requestId\":\"r\"}");
    }
}
