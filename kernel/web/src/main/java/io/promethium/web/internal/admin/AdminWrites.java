package io.promethium.web.internal.admin;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who may install code. Installing, updating, starting, stopping or uninstalling a plugin runs
 * code in the server, so those actions need {@code --web.enable-admin-api} and either
 * authentication ({@code basic_auth_users} in {@code --web.config.file}) or listeners that only
 * the machine itself can reach (every {@code --web.listen-address} on a loopback address).
 *
 * @param refusal why the actions are refused, naming each missing condition; {@code ""} when allowed
 */
public record AdminWrites(String refusal) {

    public AdminWrites {
        Objects.requireNonNull(refusal, "refusal is null");
    }

    /**
     * @param adminApi       whether {@code --web.enable-admin-api} is set
     * @param authentication whether the web config file asks for authentication
     * @param listeners      the listen addresses (host unresolved; an empty host is every interface)
     */
    public static AdminWrites decide(boolean adminApi, boolean authentication, List<InetSocketAddress> listeners) {
        List<String> missing = new ArrayList<>();
        if (!adminApi) {
            missing.add("the server runs without --web.enable-admin-api");
        }
        if (!authentication) {
            List<String> open = new ArrayList<>();
            for (InetSocketAddress listener : listeners) {
                if (!loopback(listener.getHostString())) {
                    open.add(listener.getHostString() + ":" + listener.getPort());
                }
            }
            if (!open.isEmpty()) {
                missing.add("no authentication is configured (basic_auth_users in --web.config.file) and the server listens beyond"
                        + " loopback (" + String.join(", ", open) + "); configure authentication or listen on loopback only"
                        + " (e.g. --web.listen-address=127.0.0.1:" + listeners.get(0).getPort() + ")");
            }
        }
        return new AdminWrites(missing.isEmpty() ? "" : "installing and managing plugins is refused: " + String.join("; ", missing));
    }

    public boolean allowed() {
        return refusal.isEmpty();
    }

    /** What the admin API (promethium-admin) is told: whether it is on, and this refusal. */
    public io.promethium.web.spi.AdminAccess access(boolean adminApi) {
        String why = refusal;
        return new io.promethium.web.spi.AdminAccess() {
            @Override
            public boolean enabled() {
                return adminApi;
            }

            @Override
            public String writesRefusal() {
                return why;
            }
        };
    }

    /** Whether a listen host is reachable from this machine only: every address it names is a loopback address. */
    static boolean loopback(String host) {
        if (host.isEmpty()) {
            return false; // every interface
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
