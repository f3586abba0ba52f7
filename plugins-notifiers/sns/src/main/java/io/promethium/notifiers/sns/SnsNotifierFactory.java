package io.promethium.notifiers.sns;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateFields;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.sigv4.CredentialsChain;
import io.promethium.sigv4.RoleCredentials;
import io.promethium.sigv4.StsAssumeRole;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code sns_configs}: Alertmanager's Amazon SNS integration. Exactly one destination of
 * {@code topic_arn}, {@code phone_number} and {@code target_arn} (Alertmanager's own check, see
 * {@link #destinations}); {@code subject} and {@code message} default to the
 * {@code sns.default.*} templates; {@code attributes} (names and values templates) become
 * message attributes; {@code api_url} (a template) replaces the endpoint
 * {@code https://sns.<region>.amazonaws.com}; {@code sigv4} gives {@code region},
 * {@code access_key} with {@code secret_key} (a secret), or {@code profile} of the shared
 * credentials file, else the environment's credentials are used; with {@code role_arn} those are
 * the base credentials of an STS {@code AssumeRole} (the library tier's {@link StsAssumeRole},
 * at the region's STS endpoint or {@code AWS_ENDPOINT_URL_STS}, through the block's
 * {@code http_config}) and the role's temporary credentials sign. {@code send_resolved} defaults
 * to true.
 */
@Component(service = NotifierFactory.class)
public final class SnsNotifierFactory implements NotifierFactory {

    /** How long an AssumeRole call may take (the SDKs' own default is of this order). */
    static final Duration STS_TIMEOUT = Duration.ofSeconds(10);

    static final Set<String> FIELDS = Set.of("api_url", "sigv4", "topic_arn", "phone_number", "target_arn", "subject", "message",
            "attributes", "http_config");
    static final Set<String> SIGV4_FIELDS = Set.of("region", "access_key", "secret_key", "profile", "role_arn");

    /** One validated block; the strings other than the keys are templates. */
    record Settings(String apiUrl, String region, String accessKey, String secretKey, String profile, String roleArn, String topicArn,
                    String phoneNumber, String targetArn, String subject, String message, Map<String, String> attributes) {

        Map<String, String> templates() {
            Map<String, String> t = new LinkedHashMap<>();
            t.put("api_url", apiUrl);
            t.put("topic_arn", topicArn);
            t.put("phone_number", phoneNumber);
            t.put("target_arn", targetArn);
            t.put("subject", subject);
            t.put("message", message);
            attributes.forEach((k, v) -> {
                t.put("attributes." + k + " (name)", k);
                t.put("attributes." + k, v);
            });
            return t;
        }
    }

    @Override
    public String type() {
        return "sns";
    }

    @Override
    public boolean sendResolvedByDefault() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("sigv4.secret_key");
    }

    /**
     * Whether Alertmanager accepts the destinations: it refuses a block when
     * {@code (target == "") != (topic == "") != (phone == "")}, kept as it is: that refuses none
     * and any two, and lets all three through (then all three are sent).
     */
    static boolean destinations(String topic, String phone, String target) {
        return !((target.isEmpty() != topic.isEmpty()) != phone.isEmpty());
    }

    static Settings settings(PluginConfig c) throws ConfigException {
        c.requireOnly(FIELDS);
        String region = "";
        String accessKey = "";
        String secretKey = "";
        String profile = "";
        String roleArn = "";
        PluginConfig sigv4 = c.block("sigv4");
        if (sigv4 != null) {
            sigv4.requireOnly(SIGV4_FIELDS);
            region = sigv4.string("region", "");
            accessKey = sigv4.string("access_key", "");
            secretKey = sigv4.string("secret_key", "");
            profile = sigv4.string("profile", "");
            if (accessKey.isEmpty() != secretKey.isEmpty()) {
                throw sigv4.error(accessKey.isEmpty() ? "secret_key" : "access_key",
                        "must provide a AWS SigV4 Access key and Secret Key if any are provided");
            }
            roleArn = sigv4.string("role_arn", "");
        }
        String topic = c.string("topic_arn", "");
        String phone = c.string("phone_number", "");
        String target = c.string("target_arn", "");
        if (!destinations(topic, phone, target)) {
            throw c.error("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config");
        }
        return new Settings(c.string("api_url", ""), region, accessKey, secretKey, profile, roleArn, topic, phone, target,
                c.string("subject", "{{ template \"sns.default.subject\" . }}"),
                c.string("message", "{{ template \"sns.default.message\" . }}"), c.stringMap("attributes"));
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config);
        context.validateHttpConfig(config);
        TemplateFields.check(config, context, settings.templates());
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        Settings settings = settings(config);
        ConfiguredHttpClient client = context.httpClients().create(context.httpConfig(config), context.configDirectory());
        CredentialsChain chain = CredentialsChain.of(settings.accessKey(), settings.secretKey(), settings.profile());
        return new SnsNotifier(settings, context, client, chain, role(settings, chain, client, System::getenv, Clock.systemUTC()));
    }

    /**
     * The role's credentials for {@code role_arn}, or null without one (or without a region, which
     * a send then reports). The AssumeRole request goes through the block's HTTP client.
     */
    static RoleCredentials role(Settings settings, CredentialsChain chain, ConfiguredHttpClient client, UnaryOperator<String> env,
                                Clock clock) {
        String region = settings.region().isEmpty() ? chain.environmentRegion() : settings.region();
        if (settings.roleArn().isEmpty() || region == null) {
            return null;
        }
        StsAssumeRole sts = new StsAssumeRole(settings.roleArn(), "", "promethium-" + clock.millis(), region,
                StsAssumeRole.endpoint(region, env), (uri, headers, body) -> {
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(STS_TIMEOUT).header("User-Agent", "Promethium")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    headers.forEach(h -> request.header(h.getKey(), h.getValue()));
                    HttpResponse<byte[]> r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    return new StsAssumeRole.Answer(r.statusCode(), r.body());
                }, clock);
        return new RoleCredentials(chain::resolve, sts, clock);
    }
}
