package io.promethium.notifiers.pushover;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for Pushover's messages API (answers status 1). */
class PushoverNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new PushoverNotifierFactory(java.net.URI.create(server.url("/1/messages.json")));
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("user_key", "po-secret-user", "token", "po-secret-token");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("retry", "soon"); // not a duration
    }

    @Override
    protected boolean alertmanagerSendsResolvedByDefault() {
        return true;
    }

    @Override
    protected String templateField() {
        return "title";
    }

    @Override
    protected Response okBody() {
        return Response.of(200, "application/json", "{\"status\":1,\"request\":\"r\"}");
    }
}
