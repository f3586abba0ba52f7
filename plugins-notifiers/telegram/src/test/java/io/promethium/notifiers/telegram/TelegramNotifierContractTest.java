package io.promethium.notifiers.telegram;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.Map;

/** The notifier contract against a loopback stand-in for the Telegram Bot API (answers ok true). */
class TelegramNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new TelegramNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl, "bot_token", "123:tg-secret-token", "chat_id", 42);
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("chat_id", "ops"); // not a number
    }

    @Override
    protected boolean alertmanagerSendsResolvedByDefault() {
        return true;
    }

    @Override
    protected String templateField() {
        return "message";
    }

    @Override
    protected Response okBody() {
        return Response.of(200, "application/json", "{\"ok\":true,\"result\":{\"message_id\":1,\"chat\":{\"id\":42},\"date\":0,\"text\":\"x\"}}");
    }

    /** Alertmanager 0.34 retries every error of its bot library, 4xx answers included. */
    @Override
    protected boolean retriesClientErrors() {
        return true;
    }

    /** Alertmanager 0.34's bot library parses the answer; every failure is retried. */
    @Override
    protected Verdict garbageVerdict(String contentType) {
        return Verdict.RETRIED;
    }
}
