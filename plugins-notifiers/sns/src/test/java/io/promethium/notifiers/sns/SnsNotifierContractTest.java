package io.promethium.notifiers.sns;

import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The notifier contract against a loopback stand-in for the SNS query API (answers AWS's PublishResponse). */
class SnsNotifierContractTest extends AbstractNotifierContractTest {

    @Override
    protected NotifierFactory factory() {
        return new SnsNotifierFactory();
    }

    @Override
    protected TestNotifierContext newContext(Path dir) {
        return new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
    }

    @Override
    protected Map<String, Object> config(String baseUrl) {
        return Map.of("api_url", baseUrl, "topic_arn", "arn:aws:sns:us-east-1:123456789012:alerts",
                "sigv4", Map.of("region", "us-east-1", "access_key", "AKIDCONTRACT", "secret_key", "contract-secret-key-value"));
    }

    @Override
    protected BadValue badValue() {
        return new BadValue("sigv4.region", List.of("us-east-1")); // a list, not a string
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
        return Response.of(200, "text/xml", "<PublishResponse><PublishResult><MessageId>1</MessageId></PublishResult></PublishResponse>");
    }

    /** Alertmanager 0.34's AWS SDK parses the PublishResponse; a deserialization error is retried. */
    @Override
    protected Verdict garbageVerdict(String contentType) {
        return Verdict.RETRIED;
    }
}
