package io.promethium.notifiers.rocketchat;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
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
    protected BadValue badValue() {
        return new BadValue("api_url", "ftp://example.com/hook"); // not http(s)
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

    /** Alertmanager 0.34 parses Rocket.Chat's answer (it may be an error with 200): one that does not parse is retried. */
    @Override
    protected Verdict garbageVerdict(String contentType) {
        return Verdict.RETRIED;
    }
}
