package ${package};

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.PlainHttpClientFactory;
import io.promethium.api.testing.TestNotifierContext;
import java.nio.file.Path;
import java.util.Map;

/**
 * The contract every HTTP notifier passes, from the api's test kit: 5xx and 429 retried, other
 * 4xx not, a silent destination failing by the deadline, {@code send_resolved}, secrets never in
 * an error or a log line. This test only says how to build the notifier; the checks are
 * inherited.
 */
class LineNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new LineNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        // No templates: this notifier renders its line itself.
        return new TestNotifierContext(dir, "team", new PlainHttpClientFactory(), null);
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        // url is a secret field (it may carry a token): the contract looks for this value in errors and logs.
        return Map.of("url", baseUrl + "/hook?token=line-secret-token");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("url", "ftp://example.com/hook"); // not http(s)
    }

    @Override
    protected boolean alertmanagerSendsResolvedByDefault() {
        // Not one of Alertmanager's integrations: it keeps the api's default.
        return false;
    }

    @Override
    protected String templateField() {
        return null;
    }
}
