package io.promethium.notifiers.rocketchat;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for Rocket.Chat's chat.postMessage (answers success true). */
class RocketchatNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new RocketchatNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl + "/", "token", "rc-secret-token", "token_id", "rc-secret-user");
    }

    @Override
    protected boolean alertmanagerSendsResolvedByDefault() {
        return false;
    }

    @Override
    protected String templateField() {
        return "title";
    }

    @Override
    protected Response okBody() {
        return Response.of(200, "application/json", "{\"success\":true,\"message\":{\"_id\":\"m\"}}");
    }
}
