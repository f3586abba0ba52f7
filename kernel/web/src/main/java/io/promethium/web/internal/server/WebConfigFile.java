package io.promethium.web.internal.server;

import io.promethium.api.config.ConfigException;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus's {@code --web.config.file} in the exporter-toolkit format of Prometheus 3:
 * {@code tls_server_config}, {@code http_server_config}, {@code rate_limit} and
 * {@code basic_auth_users}. Every key is read and checked here with the toolkit's messages
 * ({@code web/tls_config.go}, {@code web/handler.go}); {@link #validate()} adds what the toolkit's
 * {@code Validate} checks beyond the YAML (bcrypt hashes, the certificate, key and client CA
 * files), and {@link WebTls} applies the TLS part to Jetty. Relative paths resolve against the
 * file's directory.
 *
 * @param source    the file, or null for {@link #NONE}
 * @param tlsServer {@code tls_server_config}; {@link TlsServer#enabled()} says whether TLS is served
 * @param users     {@code basic_auth_users}: user name to bcrypt hash
 * @param http2     {@code http_server_config.http2} (default true)
 * @param headers   {@code http_server_config.headers}, only those the toolkit allows
 * @param rateLimit {@code rate_limit}, or null when its interval is 0 (no limit)
 */
public record WebConfigFile(Path source, TlsServer tlsServer, Map<String, String> users, boolean http2,
                            Map<String, String> headers, RateLimit rateLimit) {

    public static final WebConfigFile NONE = new WebConfigFile(null, TlsServer.DISABLED, Map.of(), true, Map.of(), null);

    /** The headers {@code http_server_config.headers} may set, with their allowed values (empty: any), as the toolkit's handler.go. */
    static final Map<String, List<String>> EXTRA_HTTP_HEADERS = Map.of(
            "Strict-Transport-Security", List.of(),
            "X-Content-Type-Options", List.of("nosniff"),
            "X-Frame-Options", List.of("deny", "sameorigin"),
            "X-XSS-Protection", List.of(),
            "Content-Security-Policy", List.of());

    /** The toolkit's curve names (tls_config.go {@code curves}) and the JSSE named groups they are. */
    static final Map<String, String> CURVES = Map.of(
            "CurveP256", "secp256r1",
            "CurveP384", "secp384r1",
            "CurveP521", "secp521r1",
            "X25519", "x25519");

    /**
     * The names Go's {@code tls.CipherSuites()} lists (what the toolkit accepts in
     * {@code cipher_suites}); Go names them by their IANA names, which are also the JSSE names.
     */
    static final Set<String> CIPHER_SUITES = Set.of(
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The five {@code client_auth_type} values, plus {@code RequireClientCert}, the toolkit's old name of RequireAnyClientCert. */
    static final Set<String> CLIENT_AUTH_TYPES = Set.of("", "NoClientCert", "RequestClientCert", "RequireAnyClientCert",
            "RequireClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert");

    public WebConfigFile {
        users = Map.copyOf(users);
        headers = Map.copyOf(headers);
    }

    /** A TLS server from a certificate and key file, no client certificates, basic auth for {@code users}. */
    public WebConfigFile(Path certFile, Path keyFile, Map<String, String> users) {
        this(null, new TlsServer(certFile, "", keyFile, "", null, "", "", 2, 3, List.of(), List.of(), true, null),
                users, true, Map.of(), null);
    }

    /** Whether TLS is served: any of cert, key, client CA or client auth type set, as the toolkit's {@code IsEnabled}. */
    public boolean tls() {
        return tlsServer.enabled();
    }

    /**
     * {@code tls_server_config}. Versions are TLS minor numbers (TLS12 is 2); paths are resolved.
     *
     * @param clientAllowedSans {@code client_allowed_sans}, or null when not given (no check)
     */
    public record TlsServer(Path certFile, String cert, Path keyFile, String key, Path clientCaFile, String clientCa,
                            String clientAuthType, int minVersion, int maxVersion, List<String> cipherSuites,
                            List<String> curvePreferences, boolean preferServerCipherSuites, List<String> clientAllowedSans) {

        static final TlsServer DISABLED = new TlsServer(null, "", null, "", null, "", "", 2, 3, List.of(), List.of(), true, null);

        public TlsServer {
            cipherSuites = List.copyOf(cipherSuites);
            curvePreferences = List.copyOf(curvePreferences);
            clientAllowedSans = clientAllowedSans == null ? null : List.copyOf(clientAllowedSans);
        }

        public boolean enabled() {
            return certFile != null || !cert.isEmpty() || keyFile != null || !key.isEmpty()
                    || clientCaFile != null || !clientCa.isEmpty() || !clientAuthType.isEmpty();
        }

        /** Whether a client certificate is checked against the client CAs (else any certificate is taken, as Go). */
        public boolean verifiesClientCert() {
            return clientAuthType.equals("VerifyClientCertIfGiven") || clientAuthType.equals("RequireAndVerifyClientCert");
        }

        public boolean requiresClientCert() {
            return clientAuthType.equals("RequireAnyClientCert") || clientAuthType.equals("RequireClientCert")
                    || clientAuthType.equals("RequireAndVerifyClientCert");
        }

        public boolean requestsClientCert() {
            return !clientAuthType.isEmpty() && !clientAuthType.equals("NoClientCert");
        }
    }

    /** {@code rate_limit}: at most one request per {@code interval} after a burst of {@code burst}, as Go's rate.Limiter. */
    public record RateLimit(Duration interval, int burst) {
    }

    /** A node as yaml.v2 names it in a type error: its tag and, for a scalar, its value, shortened past 10 bytes. */
    private static String goValue(YamlNode node) {
        return switch (node) {
            case YamlNode.Mapping m -> "!!map";
            case YamlNode.Sequence q -> "!!seq";
            case YamlNode.Scalar sc -> {
                String text = sc.text() == null ? "" : sc.text();
                String tag = sc.string() ? "!!str" : text.matches("[-+]?[0-9]+") ? "!!int"
                        : text.matches("(?i)true|false|yes|no|on|off") ? "!!bool" : text.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?") ? "!!float" : "!!str";
                yield tag + " `" + (text.length() > 10 ? text.substring(0, 7) + "..." : text) + "`";
            }
        };
    }

    public static WebConfigFile load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("open " + file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read web config file: " + e.getMessage(), e);
        }
        YamlNode root = new YamlReader().read(file.toString(), text);
        if (root instanceof YamlNode.Scalar s && s.isNull()) {
            return new WebConfigFile(file, TlsServer.DISABLED, Map.of(), true, Map.of(), null);
        }
        if (!(root instanceof YamlNode.Mapping mapping)) {
            throw new ConfigException(root.location() + ": yaml: unmarshal errors: cannot unmarshal " + goValue(root) + " into web.Config");
        }
        // As the toolkit's SetDirectory (Go's filepath.Join): relative to the folder as the file was named, so
        // messages name a file as the user wrote it.
        Path base = file.getParent() == null ? Path.of("") : file.getParent();
        TlsServer tls = TlsServer.DISABLED;
        Map<String, String> users = new LinkedHashMap<>();
        boolean http2 = true;
        Map<String, String> headers = new LinkedHashMap<>();
        RateLimit rateLimit = null;
        for (YamlNode.Entry entry : mapping.entries().values()) {
            switch (entry.key()) {
                case "tls_server_config" -> tls = tls(entry, base);
                case "basic_auth_users" -> users.putAll(stringMap(entry, "basic_auth_users"));
                case "http_server_config" -> {
                    for (YamlNode.Entry child : fields(entry, "web.HTTPConfig")) {
                        switch (child.key()) {
                            case "http2" -> http2 = bool(child);
                            case "headers" -> headers.putAll(stringMap(child, "headers"));
                            default -> throw unknownField(child, "web.HTTPConfig");
                        }
                    }
                }
                case "rate_limit" -> {
                    Duration interval = Duration.ZERO;
                    int burst = 0;
                    for (YamlNode.Entry child : fields(entry, "web.RateLimiterConfig")) {
                        switch (child.key()) {
                            case "interval" -> interval = duration(child);
                            case "burst" -> burst = integer(child);
                            default -> throw unknownField(child, "web.RateLimiterConfig");
                        }
                    }
                    rateLimit = interval.isZero() ? null : new RateLimit(interval, burst);
                }
                default -> throw unknownField(entry, "web.Config");
            }
        }
        // As the toolkit's validateHeaderConfig, after the YAML.
        for (Map.Entry<String, String> header : headers.entrySet()) {
            List<String> allowed = EXTRA_HTTP_HEADERS.get(header.getKey());
            if (allowed == null) {
                throw new ConfigException(file + ": HTTP header \"" + header.getKey() + "\" can not be configured");
            }
            if (!allowed.isEmpty() && !allowed.contains(header.getValue())) {
                throw new ConfigException(file + ": invalid value for " + header.getKey() + ". Expected one of: "
                        + quoted(allowed) + ", but got: \"" + header.getValue() + "\"");
            }
        }
        return new WebConfigFile(file, tls, users, http2, headers, rateLimit);
    }

    /**
     * What the toolkit's {@code Validate} checks beyond {@link #load}: every password a bcrypt
     * hash, then, when TLS is enabled, a certificate and key given and readable as a pair, the
     * client CA file readable, a known {@code client_auth_type}, and client CAs only with one.
     */
    public void validate() throws ConfigException {
        for (String hash : users.values()) {
            String problem = Bcrypt.problem(hash);
            if (problem != null) {
                throw new ConfigException(source + ": " + problem);
            }
        }
        if (!tlsServer.enabled()) {
            return;
        }
        WebTls.check(tlsServer);
    }

    private static TlsServer tls(YamlNode.Entry entry, Path base) throws ConfigException {
        Path certFile = null;
        Path keyFile = null;
        Path clientCaFile = null;
        String cert = "";
        String key = "";
        String clientCa = "";
        String clientAuth = "";
        int min = 2;
        int max = 3;
        List<String> ciphers = List.of();
        List<String> curves = List.of();
        boolean prefer = true;
        List<String> sans = null;
        for (YamlNode.Entry child : fields(entry, "web.TLSConfig")) {
            switch (child.key()) {
                case "cert_file" -> certFile = path(base, string(child));
                case "key_file" -> keyFile = path(base, string(child));
                case "client_ca_file" -> clientCaFile = path(base, string(child));
                case "cert" -> cert = string(child);
                case "key" -> key = string(child);
                case "client_ca" -> clientCa = string(child);
                case "client_auth_type" -> clientAuth = string(child);
                case "min_version" -> min = version(child);
                case "max_version" -> max = version(child);
                case "cipher_suites" -> {
                    ciphers = strings(child);
                    for (String name : ciphers) {
                        if (!CIPHER_SUITES.contains(name)) {
                            throw new ConfigException(child.keyLocation() + ": unknown cipher: " + name);
                        }
                    }
                }
                case "curve_preferences" -> {
                    curves = strings(child);
                    for (String name : curves) {
                        if (!CURVES.containsKey(name)) {
                            throw new ConfigException(child.keyLocation() + ": unknown curve: " + name);
                        }
                    }
                }
                case "prefer_server_cipher_suites" -> prefer = bool(child);
                case "client_allowed_sans" -> sans = strings(child);
                default -> throw unknownField(child, "web.TLSConfig");
            }
        }
        return new TlsServer(certFile, cert, keyFile, key, clientCaFile, clientCa, clientAuth, min, max, ciphers, curves, prefer, sans);
    }

    /** As Go's config_util.JoinDir: an empty path stays empty (null), a relative one joins the file's directory. */
    private static Path path(Path base, String value) {
        return value.isEmpty() ? null : base.resolve(value);
    }

    private static int version(YamlNode.Entry entry) throws ConfigException {
        String name = string(entry);
        return switch (name) {
            case "TLS10" -> 0;
            case "TLS11" -> 1;
            case "TLS12" -> 2;
            case "TLS13" -> 3;
            default -> throw new ConfigException(entry.keyLocation() + ": unknown TLS version: " + name);
        };
    }

    private static List<YamlNode.Entry> fields(YamlNode.Entry entry, String type) throws ConfigException {
        if (entry.value() instanceof YamlNode.Scalar s && s.isNull()) {
            return List.of();
        }
        if (!(entry.value() instanceof YamlNode.Mapping m)) {
            throw new ConfigException(entry.keyLocation() + ": yaml: unmarshal errors: cannot unmarshal " + entry.key() + " into " + type);
        }
        return List.copyOf(m.entries().values());
    }

    private static ConfigException unknownField(YamlNode.Entry entry, String type) {
        return new ConfigException(entry.keyLocation() + ": yaml: unmarshal errors: field " + entry.key() + " not found in type " + type);
    }

    private static String string(YamlNode.Entry entry) throws ConfigException {
        if (entry.value() instanceof YamlNode.Scalar s) {
            return s.isNull() ? "" : s.text();
        }
        throw new ConfigException(entry.keyLocation() + ": yaml: unmarshal errors: " + entry.key() + ": expected a string");
    }

    private static boolean bool(YamlNode.Entry entry) throws ConfigException {
        if (entry.value() instanceof YamlNode.Scalar s && !s.string() && !s.isNull()) {
            switch (s.text()) {
                case "true", "True", "TRUE" -> {
                    return true;
                }
                case "false", "False", "FALSE" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw new ConfigException(entry.keyLocation() + ": yaml: unmarshal errors: " + entry.key() + ": cannot unmarshal into bool");
    }

    private static int integer(YamlNode.Entry entry) throws ConfigException {
        String text = string(entry);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(entry.keyLocation() + ": yaml: unmarshal errors: " + entry.key() + ": cannot unmarshal " + text + " into int");
        }
    }

    /** A Go duration ({@code 1s}, {@code 1m30s}, {@code 250ms}) or a bare integer of nanoseconds, as yaml.v2 reads a time.Duration. */
    private static Duration duration(YamlNode.Entry entry) throws ConfigException {
        String text = string(entry);
        if (text.matches("-?[0-9]+")) {
            return Duration.ofNanos(Long.parseLong(text));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)").matcher(text);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += Double.parseDouble(m.group(1)) * unit;
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new ConfigException(entry.keyLocation() + ": time: invalid duration \"" + text + "\"");
        }
        return Duration.ofNanos((long) nanos);
    }

    private static List<String> strings(YamlNode.Entry entry) throws ConfigException {
        if (entry.value() instanceof YamlNode.Scalar s && s.isNull()) {
            return List.of();
        }
        if (!(entry.value() instanceof YamlNode.Sequence seq)) {
            throw new ConfigException(entry.keyLocation() + ": yaml: unmarshal errors: " + entry.key() + ": expected a list of strings");
        }
        List<String> result = new ArrayList<>();
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                throw new ConfigException(item.location() + ": yaml: unmarshal errors: " + entry.key() + ": expected a string");
            }
            result.add(s.text());
        }
        return result;
    }

    private static Map<String, String> stringMap(YamlNode.Entry entry, String field) throws ConfigException {
        Map<String, String> result = new LinkedHashMap<>();
        for (YamlNode.Entry child : fields(entry, "map[string]string")) {
            if (!(child.value() instanceof YamlNode.Scalar s) || s.isNull()) {
                throw new ConfigException(child.keyLocation() + ": yaml: unmarshal errors: " + field + "." + child.key() + ": expected a string");
            }
            result.put(child.key(), s.text());
        }
        return result;
    }

    private static String quoted(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (String v : values) {
            out.append(out.length() > 1 ? " " : "").append('"').append(v).append('"');
        }
        return out.append(']').toString();
    }
}
