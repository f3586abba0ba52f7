package io.promethium.notifiers.slack;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for the service (answers as its API documents). */
class SlackNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new SlackNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl + "/services/T0/B0/slack-secret-path", "channel", "#ops");
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
        return Response.of(200, "text/plain", "ok");
    }

    /** Alertmanager 0.34 reads Slack's answer: a JSON one that does not parse is retried, any other body but {@code ok} is an error not retried. */
    @Override
    protected Verdict garbageVerdict(String contentType) {
        return contentType.startsWith("application/json") ? Verdict.RETRIED : Verdict.NOT_RETRIED;
    }
}
