package io.promethium.notifiers.email;

import io.promethium.api.notify.NotifierFactory;
import io.promethium.testkit.AbstractSmtpNotifierContractTest;
import java.util.HashMap;
import java.util.Map;

/** The kit's SMTP delivery contract, with Alertmanager's {@code email_configs} fields (the base's defaults). */
class EmailSmtpContractTest extends AbstractSmtpNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new EmailNotifierFactory();
    }

    @Override
    protected Map<String, Object> config(String host, int port) {
        Map<String, Object> c = new HashMap<>();
        c.put("to", "oncall@example.org");
        c.put("from", "promethium@example.org");
        c.put("smarthost", host + ":" + port);
        c.put("require_tls", false);
        return c;
    }
}
