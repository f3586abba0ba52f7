package io.promethium.example.mycorp;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import java.util.Map;

/**
 * The notifier contract (retries, 4xx against 5xx, deadlines, secrets, templates) against a
 * loopback recorder; the context is the default one, with the test kit's real templates.
 */
class MycorpNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new MycorpNotifierFactory();
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("url", baseUrl + "/hook");
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("url", "ftp://example.com/hook"); // not http(s)
    }

    /** Not an Alertmanager integration: the factory keeps the interface's default, false. */
    @Override
    protected boolean alertmanagerSendsResolvedByDefault() {
        return false;
    }

    @Override
    protected String templateField() {
        return "text";
    }
}
