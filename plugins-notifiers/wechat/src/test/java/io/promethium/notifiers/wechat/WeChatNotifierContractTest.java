package io.promethium.notifiers.wechat;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for the WeChat Work API (answers errcode 0 and an access token). */
class WeChatNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new WeChatNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl + "/cgi-bin/", "api_secret", "wc-secret-corp-secret", "corp_id", "corp1");
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
        return "message";
    }

    @Override
    protected Response okBody() {
        return Response.of(200, "application/json", "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"at1\",\"expires_in\":7200}");
    }

    /** Alertmanager 0.34 decodes the gettoken answer first; one that does not decode fails, not retried. */
    @Override
    protected Verdict garbageVerdict(String contentType) {
        return Verdict.NOT_RETRIED;
    }
}
