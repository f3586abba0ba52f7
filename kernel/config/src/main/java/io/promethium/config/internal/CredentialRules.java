package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.yaml.YamlNode;

/**
 * The combinations of an HTTP client's credentials and TLS files Prometheus refuses (its
 * {@code HTTPClientConfig.Validate} and {@code TLSConfig.Validate}), checked on the written YAML
 * before the client settings are read, so the error points at the conflicting key.
 */
final class CredentialRules {

    private CredentialRules() {
    }

    /** Checks the client settings written directly in {@code f} (a scrape config, an Alertmanager, ...). */
    static void check(Fields f) throws ConfigException {
        boolean bearer = set(f.peek("bearer_token"));
        boolean bearerFile = set(f.peek("bearer_token_file"));
        boolean basic = present(f.peek("basic_auth"));
        boolean oauth2 = present(f.peek("oauth2"));
        boolean authorization = present(f.peek("authorization"));
        String ctx = f.context() + ": ";
        if (bearer && bearerFile) {
            throw Fields.error(f.keyLocation("bearer_token_file"), ctx + "at most one of bearer_token & bearer_token_file must be configured");
        }
        if ((basic || oauth2) && (bearer || bearerFile)) {
            throw Fields.error(f.keyLocation(bearer ? "bearer_token" : "bearer_token_file"),
                    ctx + "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        }
        if (basic) {
            YamlNode.Mapping b = mapping(f.peek("basic_auth"));
            if (b != null) {
                conflict(b, "username", "username_file", ctx + "at most one of basic_auth username, username_file & username_ref must be configured");
                conflict(b, "password", "password_file", ctx + "at most one of basic_auth password, password_file & password_ref must be configured");
            }
        }
        if (authorization) {
            if (bearer || bearerFile) {
                throw Fields.error(f.keyLocation("authorization"), ctx + "authorization is not compatible with bearer_token & bearer_token_file");
            }
            YamlNode.Mapping a = mapping(f.peek("authorization"));
            if (a != null) {
                conflict(a, "credentials", "credentials_file", ctx + "at most one of authorization credentials & credentials_file must be configured");
            }
            if (basic || oauth2) {
                throw Fields.error(f.keyLocation("authorization"), ctx + "at most one of basic_auth, oauth2 & authorization must be configured");
            }
        }
        if (oauth2 && basic) {
            throw Fields.error(f.keyLocation("oauth2"), ctx + "at most one of basic_auth, oauth2 & authorization must be configured");
        }
        YamlNode.Mapping headers = mapping(f.peek("http_headers"));
        if (headers != null) {
            for (YamlNode.Entry entry : headers.entries().values()) {
                String violation = HeaderRules.clientViolation(entry.key());
                if (violation != null) {
                    throw Fields.error(entry.keyLocation(), ctx + "http_headers: " + violation);
                }
            }
        }
        YamlNode.Mapping tls = mapping(f.peek("tls_config"));
        if (tls != null) {
            checkTls(tls, ctx + "tls_config: ");
        }
    }

    /** Inline and file forms of one TLS item exclude each other; a client certificate needs its key and back. */
    static void checkTls(YamlNode.Mapping tls, String ctx) throws ConfigException {
        conflict(tls, "ca", "ca_file", ctx + "at most one of ca and ca_file must be configured");
        conflict(tls, "cert", "cert_file", ctx + "at most one of cert and cert_file must be configured");
        conflict(tls, "key", "key_file", ctx + "at most one of key and key_file must be configured");
        boolean cert = set(tls.get("cert")) || set(tls.get("cert_file"));
        boolean key = set(tls.get("key")) || set(tls.get("key_file"));
        if (cert && !key) {
            throw Fields.error(tls.location(), ctx + "exactly one of key or key_file must be configured when a client certificate is configured");
        }
        if (key && !cert) {
            throw Fields.error(tls.location(), ctx + "exactly one of cert or cert_file must be configured when a client key is configured");
        }
    }

    private static void conflict(YamlNode.Mapping m, String inline, String file, String message) throws ConfigException {
        if (set(m.get(inline)) && set(m.get(file))) {
            YamlNode.Entry entry = m.entries().get(file);
            throw Fields.error(entry == null ? m.location() : entry.keyLocation(), message);
        }
    }

    private static YamlNode.Mapping mapping(YamlNode node) {
        return node instanceof YamlNode.Mapping m ? m : null;
    }

    private static boolean present(YamlNode node) {
        return node != null && !(node instanceof YamlNode.Scalar s && s.isNull());
    }

    /** A non-empty value (Prometheus treats an empty string as unset). */
    private static boolean set(YamlNode node) {
        if (node instanceof YamlNode.Scalar s) {
            return !s.isNull() && !s.text().isEmpty();
        }
        return node != null;
    }

}
