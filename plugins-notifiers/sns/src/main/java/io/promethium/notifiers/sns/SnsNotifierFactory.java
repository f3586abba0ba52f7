package io.promethium.notifiers.sns;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.TemplateFields;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.sigv4.CredentialSources;
import io.promethium.sigv4.CredentialsChain;
import io.promethium.sigv4.SharedConfigFiles;
import io.promethium.sigv4.StsAssumeRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * {@code sns_configs}: Alertmanager's Amazon SNS integration. Exactly one destination of
 * {@code topic_arn}, {@code phone_number} and {@code target_arn} (Alertmanager's own check, see
 * {@link #destinations}); {@code subject} and {@code message} default to the
 * {@code sns.default.*} templates; {@code attributes} (names and values templates) become
 * message attributes; {@code api_url} (a template) replaces the endpoint
 * {@code https://sns.<region>.<partition's DNS suffix>} ({@code sns-fips} when the environment or
 * the shared config file asks for FIPS); {@code sigv4} gives {@code region}, {@code access_key}
 * with {@code secret_key} (a secret), or {@code profile} of the shared config and credentials
 * files, else Alertmanager's AWS SDK's default chain gives them ({@link CredentialsChain}: the
 * environment, web identity, the profile with its role or {@code credential_process}, the
 * container endpoint, the instance metadata service; its requests through the block's
 * transport, its temporary credentials kept until near expiry); with {@code role_arn} those are
 * the base credentials of an STS {@code AssumeRole} (the library tier's {@link StsAssumeRole},
 * at the region's STS endpoint or {@code AWS_ENDPOINT_URL_STS}, through the block's
 * {@code http_config}) and the role's temporary credentials sign; {@code external_id} (only with
 * {@code role_arn}, prometheus/sigv4's check) goes into that AssumeRole as {@code ExternalId};
 * {@code use_fips_sts_endpoint} sends it to {@code sts-fips.<region>}; {@code service_name}
 * replaces {@code sns} as the Publish's signing name. Alertmanager 0.34 parses those two but its
 * SNS notifier never reads them; Promethium applies them as prometheus/sigv4 does for
 * {@code remote_write}, rather than accept and ignore them. {@code use_aws_http_client} (forced
 * when {@code AWS_CA_BUNDLE} is set) is 0.34's switch to the AWS SDK's own HTTP client:
 * {@link #awsClientHttpConfig}. {@code send_resolved} defaults to true.
 */
@Component(service = NotifierFactory.class)
public final class SnsNotifierFactory implements NotifierFactory {

    static final Set<String> FIELDS = Set.of("api_url", "sigv4", "topic_arn", "phone_number", "target_arn", "subject", "message",
            "attributes", "http_config", "use_aws_http_client");
    /** The keys of prometheus/sigv4's {@code SigV4Config} (v0.4.1, the one Alertmanager 0.34 uses). */
    static final Set<String> SIGV4_FIELDS = Set.of("region", "access_key", "secret_key", "profile", "role_arn", "external_id",
            "use_fips_sts_endpoint", "service_name");
    /** The {@code http_config} fields the AWS SDK's own client keeps with {@code use_aws_http_client} (Alertmanager 0.34). */
    static final Set<String> AWS_CLIENT_HTTP_FIELDS = Set.of("tls_config", "proxy_url", "no_proxy", "proxy_from_environment",
            "proxy_connect_header");

    /**
     * One validated block; the strings other than the keys are templates. {@code serviceName} is
     * the signing name of the Publish ({@code sns} unless {@code sigv4.service_name}).
     */
    record Settings(String apiUrl, String region, String accessKey, String secretKey, String profile, String roleArn, String externalId,
                    boolean fipsSts, String serviceName, boolean useAwsHttpClient, String topicArn,
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
        String externalId = "";
        boolean fips = false;
        String serviceName = "";
        PluginConfig sigv4 = c.block("sigv4");
        if (sigv4 != null) {
            sigv4.requireOnly(SIGV4_FIELDS);
            region = sigv4.string("region", "");
            accessKey = sigv4.string("access_key", "");
            secretKey = sigv4.string("secret_key", "");
            profile = sigv4.string("profile", "");
            // prometheus/sigv4's SigV4Config.Validate, its messages.
            if (accessKey.isEmpty() != secretKey.isEmpty()) {
                throw sigv4.error(accessKey.isEmpty() ? "secret_key" : "access_key",
                        "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config");
            }
            roleArn = sigv4.string("role_arn", "");
            externalId = sigv4.string("external_id", "");
            if (!externalId.isEmpty() && roleArn.isEmpty()) {
                throw sigv4.error("external_id", "external_id can only be used with role_arn");
            }
            fips = sigv4.bool("use_fips_sts_endpoint", false);
            serviceName = sigv4.string("service_name", "");
        }
        String topic = c.string("topic_arn", "");
        String phone = c.string("phone_number", "");
        String target = c.string("target_arn", "");
        if (!destinations(topic, phone, target)) {
            throw c.error("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config");
        }
        return new Settings(c.string("api_url", ""), region, accessKey, secretKey, profile, roleArn, externalId, fips,
                serviceName.isEmpty() ? "sns" : serviceName, c.bool("use_aws_http_client", false), topic, phone, target,
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
        return create(config, context, System::getenv, Path.of(System.getProperty("user.home")));
    }

    /** {@link #create} with the process environment and home folder given (tests give their own). */
    static Notifier create(PluginConfig config, NotifierContext context, UnaryOperator<String> env, Path home) throws ConfigException {
        Settings settings = settings(config);
        PluginConfig http = context.httpConfig(config);
        if (settings.useAwsHttpClient() || nonEmpty(env.apply("AWS_CA_BUNDLE"))) {
            http = awsClientHttpConfig(http, caBundle(settings.profile(), env, home), context.configDirectory());
        }
        ConfiguredHttpClient client = context.httpClients().create(http, context.configDirectory());
        // The chain's own requests (STS, the container endpoint, instance metadata) through this block's transport, as
        // Alertmanager hands its HTTP client to the SDK's config.
        CredentialsChain chain = new CredentialsChain(settings.accessKey(), settings.secretKey(), settings.profile(), env, home,
                new CredentialSources(client.transport(), Clock.systemUTC()));
        if (settings.fipsSts() && settings.roleArn().isEmpty()) {
            context.logger().warning("sigv4.use_fips_sts_endpoint has no effect without role_arn: no STS call is made");
        }
        if (!settings.roleArn().isEmpty()) {
            try {
                // What the process fixes (the config, its environment) is checked now; the shared config file's FIPS switch at each send.
                StsAssumeRole.endpoint("us-east-1", settings.fipsSts(), env);
            } catch (IllegalArgumentException e) {
                client.close();
                throw config.block("sigv4").error("use_fips_sts_endpoint", "use_fips_sts_endpoint: " + e.getMessage());
            }
        }
        return new SnsNotifier(settings, context, client, chain, role(settings, chain, client, Clock.systemUTC()));
    }

    /**
     * The {@code http_config} as Alertmanager 0.34's {@code use_aws_http_client} (forced when
     * {@code AWS_CA_BUNDLE} is set) applies it: the AWS SDK's own client keeps only
     * {@code tls_config} and the proxy fields ({@link #AWS_CLIENT_HTTP_FIELDS}); authentication,
     * {@code http_headers}, {@code follow_redirects} and {@code enable_http2} are left at the SDK's
     * (none, none, follow, HTTP/2 allowed). The SDK then adds a CA bundle to the trusted roots:
     * with {@code tls_config}'s CA the two are trusted, without one only the bundle (the SDK
     * starts an empty pool, not the system's).
     *
     * @param bundle the PEM text of the CA bundle, or null for none
     */
    static PluginConfig awsClientHttpConfig(PluginConfig http, String bundle, Path configDirectory) throws ConfigException {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String field : AWS_CLIENT_HTTP_FIELDS) {
            if (http.values().containsKey(field)) {
                kept.put(field, http.values().get(field));
            }
        }
        if (bundle != null) {
            PluginConfig tls = http.block("tls_config");
            Map<String, Object> tlsValues = new LinkedHashMap<>(tls == null ? Map.of() : tls.values());
            StringBuilder ca = new StringBuilder();
            if (tls != null && !tls.string("ca", "").isEmpty()) {
                ca.append(tls.string("ca", "")).append('\n');
            }
            if (tls != null && !tls.string("ca_file", "").isEmpty()) {
                Path file = configDirectory.resolve(tls.string("ca_file", ""));
                try {
                    ca.append(Files.readString(file)).append('\n');
                } catch (IOException e) {
                    throw tls.error("ca_file", "unable to read CA cert: " + e.getMessage());
                }
                tlsValues.remove("ca_file");
            }
            ca.append(bundle);
            tlsValues.put("ca", ca.toString());
            kept.put("tls_config", tlsValues);
        }
        return new PluginConfig(http.key(), kept, http.location());
    }

    /**
     * The CA bundle the AWS SDK adds, as its config loader finds it: the file named by
     * {@code AWS_CA_BUNDLE}, else {@code ca_bundle} of the profile ({@code sigv4.profile}, else
     * {@code AWS_PROFILE}, else {@code default}) in the shared config file
     * ({@code AWS_CONFIG_FILE}, else {@code ~/.aws/config}); null when neither names one.
     *
     * @throws ConfigException when the named file cannot be read or holds no certificate
     */
    static String caBundle(String profile, UnaryOperator<String> env, Path home) throws ConfigException {
        String file = env.apply("AWS_CA_BUNDLE");
        String from = "AWS_CA_BUNDLE";
        if (!nonEmpty(file)) {
            String name = new CredentialsChain(null, null, profile, env, home).profileName();
            SharedConfigFiles files = SharedConfigFiles.of(env, home);
            Map<String, String> values = files.profile(name);
            file = values == null ? null : values.get("ca_bundle");
            from = "ca_bundle of profile \"" + name + "\" in " + files.configFile();
        }
        if (!nonEmpty(file)) {
            return null;
        }
        try {
            String pem = Files.readString(Path.of(file));
            if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
                throw new ConfigException("sns_configs: " + from + " " + file + ": failed to load any certificates from the custom CA bundle");
            }
            return pem;
        } catch (IOException e) {
            throw new ConfigException("sns_configs: " + from + " " + file + ": failed to load custom CA bundle PEM file: " + e.getMessage());
        }
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /** The assumed role of {@code role_arn} ({@link AssumedRole}), or null without one. */
    static AssumedRole role(Settings settings, CredentialsChain chain, ConfiguredHttpClient client, Clock clock) {
        return settings.roleArn().isEmpty() ? null : new AssumedRole(settings.roleArn(), settings.externalId(), chain, client, clock);
    }
}
