package io.promethium.notifiers.webex;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for Webex's messages API. */
class WebexNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new WebexNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl + "/v1/messages", "room_id", "room1", "http_config", Map.of("authorization", Map.of("credentials", "wx-secret-token")));
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
        return Response.of(200, "application/json", "{\"id\":\"m1\",\"roomId\":\"room1\"}");
    }
}
