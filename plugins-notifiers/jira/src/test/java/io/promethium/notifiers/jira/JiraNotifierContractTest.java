package io.promethium.notifiers.jira;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for Jira's REST API v2 (search answers no issues). */
class JiraNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new JiraNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl + "/rest/api/2", "project", "OPS", "issue_type", "Bug", "http_config", Map.of("basic_auth", Map.of("username", "u", "password", "jira-secret-api-token")));
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
        return "summary";
    }

    @Override
    protected Response okBody() {
        return Response.of(200, "application/json", "{\"issues\":[]}");
    }

    /** Alertmanager 0.34 parses the search's answer first; one that does not parse (or cannot be read) fails, not retried. */
    @Override
    protected Verdict garbageVerdict(String contentType) {
        return Verdict.NOT_RETRIED;
    }
}
