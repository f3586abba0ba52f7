package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.AbstractNotifierContractTest;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateFields;
import io.promethium.api.testing.BadValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The notifier base, with the kit's real templates found on the class path, passes a notifier that
 * renders its template and fails one that sends the template text as it is.
 */
class NotifierContractCatchesBrokenNotifiersTest {

    /** {@code url} and a {@code text} template (default: the subject); one POST of the text. */
    record TextNotifierFactory(boolean renders) implements NotifierFactory {
        @Override
        public String type() {
            return "text";
        }

        @Override
        public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
            config.requireOnly(Set.of("url", "text"));
            config.requiredString("url");
            TemplateFields.check(config, context, Map.of("text", text(config)));
        }

        private static String text(PluginConfig config) throws ConfigException {
            return config.string("text", "{{ template \"__subject\" . }}");
        }

        @Override
        public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
            validate(config, context);
            URI url = URI.create(config.requiredString("url"));
            String text = text(config);
            ConfiguredHttpClient client = context.httpClients().create(context.httpConfig(config), context.configDirectory());
            HttpDelivery delivery = HttpDelivery.to("Text").retrying(429);
            return new Notifier() {
                @Override
                public void send(Notification n, Instant deadline) throws NotifyException {
                    String body = renders ? TemplateFields.render(context, "text", text, n) : text;
                    delivery.send(client, HttpRequest.newBuilder(url).timeout(HttpDelivery.timeLeft(deadline))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
                }

                @Override
                public void close() {
                    client.close();
                }
            };
        }
    }

    @Tag(Launch.CASE)
    abstract static class Base extends AbstractNotifierContractTest {
        @Override
        protected Map<String, Object> config(String baseUrl) {
            return Map.of("url", baseUrl + "/hook");
        }

        @Override
        protected BadValue badValue() {
            return new BadValue("url", List.of(1)); // a list, not a string
        }

        @Override
        protected boolean alertmanagerSendsResolvedByDefault() {
            return false;
        }

        @Override
        protected String templateField() {
            return "text";
        }
    }

    @Tag(Launch.CASE)
    static class Renders extends Base {
        @Override
        protected NotifierFactory factory() {
            return new TextNotifierFactory(true);
        }
    }

    @Tag(Launch.CASE)
    static class SendsTheTemplateUnrendered extends Base {
        @Override
        protected NotifierFactory factory() {
            return new TextNotifierFactory(false);
        }
    }

    @Test
    void aNotifierThatRendersItsTemplatesPassesEveryCheck() {
        assertThat(Launch.failed(Renders.class)).isEmpty();
    }

    @Test
    void aNotifierThatSendsItsTemplateUnrenderedFailsTheRenderingChecks() {
        assertThat(Launch.failed(SendsTheTemplateUnrendered.class)).contains("theDefaultTemplatesAreRenderedIntoTheRequest");
    }
}
