package io.promethium.notifiers.webhook;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback webhook receiver; the URL (a secret) carries a token in its query. */
class WebhookNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new WebhookNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), null);
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("url", baseUrl + "/hook?token=webhook-secret-token");
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
        return null; // the webhook message is Alertmanager's JSON, not a template
    }

    /** Alertmanager's webhook retries 5xx only. */
    @Override
    protected boolean retriesTooManyRequests() {
        return false;
    }
}
