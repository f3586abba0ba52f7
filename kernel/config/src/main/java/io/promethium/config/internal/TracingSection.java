package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.yaml.YamlNode;

/**
 * The {@code tracing:} section: validated as Prometheus validates it (a known client type, an
 * endpoint, allowed headers, gzip or no compression, a valid TLS block), with Prometheus's
 * messages at each entry. The tracing bundle ({@code promethium-tracing}, a
 * {@link io.promethium.api.config.ConfigSection} of key {@code tracing}) then owns it and sends
 * the spans; without that bundle a tracing section is refused.
 */
final class TracingSection {

    static final String NOT_INSTALLED = "the tracing bundle (promethium-tracing) is not installed; remove the tracing section";

    private TracingSection() {
    }

    static void check(Fields top, boolean owned) throws ConfigException {
        // Peeked, not read: the owner's ConfigSection takes the section from the mapping afterwards.
        YamlNode node = owned ? top.peek("tracing") : top.node("tracing");
        if (node instanceof YamlNode.Scalar s && s.isNull()) {
            node = null;
        }
        // Written as nothing, Go's YAML leaves the zero value without running its checks: no tracing.
        if (node == null || Fields.isPlainEmpty(node)) {
            return;
        }
        Fields t = Fields.of(node, "tracing");
        String clientType = t.string("client_type", "grpc");
        if (!clientType.equals("grpc") && !clientType.equals("http")) {
            throw Fields.error(t.keyLocation("client_type"),
                    "tracing: expected tracing client type to be to be grpc or http, but got " + clientType);
        }
        YamlNode headers = t.node("headers");
        if (headers != null) {
            Fields h = Fields.of(headers, "tracing.headers");
            for (YamlNode.Entry entry : h.take(k -> true)) {
                String violation = HeaderRules.tracingViolation(entry.key());
                if (violation != null) {
                    throw Fields.error(entry.keyLocation(), "tracing: headers: " + violation);
                }
                if (!(entry.value() instanceof YamlNode.Scalar)) {
                    throw t.typeError("headers." + entry.key(), entry.value(), "a string");
                }
            }
        }
        String endpoint = t.string("endpoint", "");
        if (endpoint.isEmpty()) {
            throw Fields.error(t.location(), "tracing: tracing endpoint must be set");
        }
        String compression = t.string("compression", "");
        if (!compression.isEmpty() && !compression.equals("gzip")) {
            throw Fields.error(t.keyLocation("compression"), "tracing: invalid compression type " + compression
                    + " provided, valid options: gzip");
        }
        String fraction = t.string("sampling_fraction", "0");
        try {
            Double.parseDouble(fraction);
        } catch (NumberFormatException e) {
            throw Fields.error(t.keyLocation("sampling_fraction"), "tracing: sampling_fraction: cannot parse \"" + fraction + "\" as a number");
        }
        t.bool("insecure", false);
        t.duration("timeout", null);
        YamlNode tls = t.node("tls_config");
        if (tls instanceof YamlNode.Mapping mapping) {
            io.promethium.config.http.HttpClientConfigParser.tls(LocatedBlocks.of("tracing.tls_config", mapping));
        } else if (tls != null && !(tls instanceof YamlNode.Scalar scalar && scalar.isNull())) {
            throw Fields.error(tls.location(), "tracing: tls_config: expected a mapping, got " + YamlNode.kind(tls));
        }
        t.finish();
        if (!owned) {
            throw Fields.error(top.keyLocation("tracing"), "tracing: " + NOT_INSTALLED);
        }
    }
}
