package io.promethium.config.http;

import io.promethium.config.model.HttpClientConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which proxy a request takes, with Go's rules: {@code proxy_url} for every request unless
 * {@code no_proxy} is set; with {@code no_proxy} (or {@code proxy_from_environment}) Go's
 * {@code httpproxy} semantics apply: {@code NO_PROXY} entries are hosts, domains (a leading
 * dot for sub-domains only), IPs, CIDRs or {@code *}, optionally with a port, and localhost
 * and loopback addresses are never proxied. Immutable.
 */
final class ProxyRules extends ProxySelector {

    private final URI httpProxy;
    private final URI httpsProxy;
    private final List<String> noProxy;
    private final boolean goRules;

    private ProxyRules(URI httpProxy, URI httpsProxy, String noProxy, boolean goRules) {
        this.httpProxy = httpProxy;
        this.httpsProxy = httpsProxy;
        List<String> entries = new ArrayList<>();
        for (String entry : noProxy.split(",")) {
            String e = entry.strip().toLowerCase(Locale.ROOT);
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        this.noProxy = List.copyOf(entries);
        this.goRules = goRules;
    }

    /** The selector for a config, or {@code null} when no proxy is configured. */
    static ProxyRules of(HttpClientConfig config, Map<String, String> environment) {
        if (config.proxyFromEnvironment()) {
            String http = firstNonEmpty(environment.get("HTTP_PROXY"), environment.get("http_proxy"));
            String https = firstNonEmpty(environment.get("HTTPS_PROXY"), environment.get("https_proxy"));
            String no = firstNonEmpty(environment.get("NO_PROXY"), environment.get("no_proxy"));
            return new ProxyRules(proxyUri(http), proxyUri(https), no, true);
        }
        if (config.proxyUrl().isEmpty()) {
            return null;
        }
        URI proxy = proxyUri(config.proxyUrl());
        return new ProxyRules(proxy, proxy, config.noProxy(), !config.noProxy().isEmpty());
    }

    /** The {@code Proxy-Authorization} value from user info in the proxy URL ({@code http://user:pass@proxy}), or null. */
    static String userInfoAuthorization(String proxyUrl) {
        if (proxyUrl.isEmpty()) {
            return null;
        }
        URI uri = URI.create(proxyUrl);
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return null;
        }
        String decoded = java.net.URLDecoder.decode(userInfo, java.nio.charset.StandardCharsets.UTF_8);
        return "Basic " + java.util.Base64.getEncoder().encodeToString(decoded.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String firstNonEmpty(String a, String b) {
        return a != null && !a.isEmpty() ? a : b == null ? "" : b;
    }

    private static URI proxyUri(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        // Go accepts "host:port" in the environment and means http://host:port.
        URI uri = URI.create(text.contains("://") ? text : "http://" + text);
        return uri.getHost() == null ? null : uri;
    }

    @Override
    public List<Proxy> select(URI uri) {
        Objects.requireNonNull(uri, "uri is null");
        URI proxy = "https".equalsIgnoreCase(uri.getScheme()) ? httpsProxy : httpProxy;
        if (proxy == null || (goRules && bypass(uri))) {
            return List.of(Proxy.NO_PROXY);
        }
        int port = proxy.getPort() < 0 ? 80 : proxy.getPort();
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.getHost(), port)));
    }

    /** Go's {@code useProxy} negated. */
    boolean bypass(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        if (host.equals("localhost")) {
            return true;
        }
        InetAddress ip = literal(host);
        if (ip != null && ip.isLoopbackAddress()) {
            return true;
        }
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            if (entry.contains("/")) {
                if (ip != null && inCidr(ip, entry)) {
                    return true;
                }
                continue;
            }
            String entryHost = entry;
            int entryPort = -1;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon) {
                entryHost = entry.substring(0, colon);
                try {
                    entryPort = Integer.parseInt(entry.substring(colon + 1));
                } catch (NumberFormatException e) {
                    continue;
                }
            }
            if (entryPort >= 0 && entryPort != port) {
                continue;
            }
            InetAddress entryIp = literal(entryHost);
            if (entryIp != null) {
                if (entryIp.equals(ip)) {
                    return true;
                }
                continue;
            }
            if (entryHost.startsWith("*.")) {
                entryHost = entryHost.substring(1);
            }
            if (entryHost.startsWith(".")) {
                if (host.endsWith(entryHost)) {
                    return true;
                }
            } else if (host.equals(entryHost) || host.endsWith("." + entryHost)) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal, never a DNS lookup; null for a name. */
    private static InetAddress literal(String host) {
        // Only literals reach getByName, which then parses without a lookup.
        if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}"))) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private static boolean inCidr(InetAddress ip, String cidr) {
        int slash = cidr.indexOf('/');
        InetAddress network = literal(cidr.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (network == null) {
            return false;
        }
        byte[] a = ip.getAddress();
        byte[] b = network.getAddress();
        if (a.length != b.length || bits < 0 || bits > a.length * 8) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException e) {
        // Nothing to learn: the rules are static.
    }
}
