package io.promethium.discovery.dns.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolver configuration of {@code resolv.conf(5)}, read as Go's {@code miekg/dns} reads it
 * (which Prometheus uses): {@code nameserver}, {@code search}, {@code domain}, and the
 * {@code ndots}, {@code timeout} and {@code attempts} options. A {@code nameserver} may carry a
 * port ({@code 127.0.0.1:5353}, {@code [::1]:5353}), a Promethium extension for servers off port 53.
 *
 * @param timeout how long one query waits for an answer
 * @param attempts how many times each server is asked before the next one
 */
record ResolvConf(List<InetSocketAddress> servers, List<String> search, int ndots, Duration timeout, int attempts) {

    ResolvConf {
        servers = List.copyOf(servers);
        search = List.copyOf(search);
    }

    /** Reads a file; a missing or unreadable file means the defaults (a server on 127.0.0.1:53), as glibc does. */
    static ResolvConf read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return parse("");
        }
    }

    static ResolvConf parse(String text) {
        List<InetSocketAddress> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        int ndots = 1;
        int timeoutSeconds = 5;
        int attempts = 2;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            switch (fields[0]) {
                case "nameserver" -> {
                    if (fields.length > 1) {
                        InetSocketAddress server = server(fields[1]);
                        if (server != null) {
                            servers.add(server);
                        }
                    }
                }
                case "domain" -> {
                    search.clear();
                    if (fields.length > 1) {
                        search.add(fields[1]);
                    }
                }
                case "search" -> {
                    search.clear();
                    for (int i = 1; i < fields.length; i++) {
                        search.add(fields[i]);
                    }
                }
                case "options" -> {
                    for (int i = 1; i < fields.length; i++) {
                        String option = fields[i];
                        if (option.startsWith("ndots:")) {
                            ndots = Math.min(15, Math.max(0, number(option.substring(6), ndots)));
                        } else if (option.startsWith("timeout:")) {
                            timeoutSeconds = Math.max(1, number(option.substring(8), timeoutSeconds));
                        } else if (option.startsWith("attempts:")) {
                            attempts = Math.max(1, number(option.substring(9), attempts));
                        }
                    }
                }
                default -> {
                }
            }
        }
        if (servers.isEmpty()) {
            servers.add(new InetSocketAddress("127.0.0.1", 53));
        }
        return new ResolvConf(servers, search, ndots, Duration.ofSeconds(timeoutSeconds), attempts);
    }

    private static int number(String text, int fallback) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** An IP literal with an optional port; names are not allowed (resolv.conf has addresses only). */
    private static InetSocketAddress server(String text) {
        String host = text;
        int port = 53;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = text.substring(1, close);
            if (text.length() > close + 2 && text.charAt(close + 1) == ':') {
                port = number(text.substring(close + 2), -1);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = number(text.substring(text.indexOf(':') + 1), -1);
        }
        if (port < 1 || port > 65535 || !(host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}"))) {
            return null;
        }
        int zone = host.indexOf('%');
        return new InetSocketAddress(zone >= 0 ? host.substring(0, zone) : host, port);
    }

    /**
     * The names to try for {@code name}, in order, as {@code miekg/dns}'s {@code NameList}: a
     * fully qualified name as it is; else with enough labels (more than {@code ndots}) first as
     * it is, then with each search domain; else the search domains first.
     */
    List<String> candidates(String name) {
        if (name.endsWith(".")) {
            return List.of(name);
        }
        boolean enoughLabels = name.split("\\.").length > ndots;
        String fqdn = name + ".";
        List<String> names = new ArrayList<>();
        if (enoughLabels) {
            names.add(fqdn);
        }
        for (String domain : search) {
            String candidate = fqdn + domain;
            names.add(candidate.endsWith(".") ? candidate : candidate + ".");
        }
        if (!enoughLabels) {
            names.add(fqdn);
        }
        return names;
    }
}
