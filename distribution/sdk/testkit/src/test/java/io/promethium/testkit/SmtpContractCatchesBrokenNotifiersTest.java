package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.notify.NotifierFactory;
import io.promethium.testkit.KitMailNotifierFactory.Break;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The SMTP notifier base passes a notifier that keeps the contract and fails each deliberately broken one. */
class SmtpContractCatchesBrokenNotifiersTest {

    abstract static class Case extends AbstractSmtpNotifierContractTest {
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

    @Tag(Launch.CASE)
    static class Correct extends Case {
        @Override
        protected NotifierFactory factory() {
            return new KitMailNotifierFactory();
        }
    }

    @Tag(Launch.CASE)
    static class RetriesPermanentFailures extends Case {
        @Override
        protected NotifierFactory factory() {
            return new KitMailNotifierFactory(Break.RETRIES_PERMANENT_FAILURES);
        }
    }

    @Tag(Launch.CASE)
    static class LogsThePassword extends Case {
        @Override
        protected NotifierFactory factory() {
            return new KitMailNotifierFactory(Break.LOGS_THE_PASSWORD);
        }
    }

    @Tag(Launch.CASE)
    static class IgnoresRequireTls extends Case {
        @Override
        protected NotifierFactory factory() {
            return new KitMailNotifierFactory(Break.IGNORES_REQUIRE_TLS);
        }
    }

    @Test
    void aNotifierThatKeepsTheContractPassesEveryCheck() {
        assertThat(Launch.failed(Correct.class)).isEmpty();
    }

    @Test
    void eachBrokenNotifierFailsTheCheckOfWhatItBreaks() {
        assertThat(Launch.failed(RetriesPermanentFailures.class))
                .containsExactly("aRefusedLoginIsNotRetriedAndSendsNothing", "transientRepliesAreRetriedAndPermanentOnesAreNot");
        assertThat(Launch.failed(LogsThePassword.class)).contains("aRefusedLoginIsNotRetriedAndSendsNothing",
                "transientRepliesAreRetriedAndPermanentOnesAreNot", "aRefusedConnectionIsRetryable");
        assertThat(Launch.failed(IgnoresRequireTls.class)).containsExactly(
                "withTlsRequiredAServerWithoutStartTlsGetsNothing", "withTlsRequiredItUsesStartTlsVerifiesTheServerAndLogsInOnlyInsideTls");
    }
}
