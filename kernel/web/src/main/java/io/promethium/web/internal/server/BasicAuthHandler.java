package io.promethium.web.internal.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.mindrot.jbcrypt.BCrypt;

/**
 * HTTP basic auth against bcrypt hashes, as Prometheus's web config. A bcrypt check costs tens
 * of milliseconds by design, so credentials that passed are remembered (by user and password) and
 * not hashed again.
 */
final class BasicAuthHandler extends Handler.Wrapper {

    private final Supplier<Map<String, String>> users;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();

    BasicAuthHandler(Map<String, String> users, Handler next) {
        this(() -> users, next);
        Objects.requireNonNull(users, "users is null");
    }

    /** @param users the users in force (the web config file is re-read while the server runs); none lets every request through */
    BasicAuthHandler(Supplier<Map<String, String>> users, Handler next) {
        super(next);
        this.users = Objects.requireNonNull(users, "users is null");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Map<String, String> current = users.get();
        if (current.isEmpty() || authorized(current, request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            return super.handle(request, response, callback);
        }
        response.setStatus(HttpStatus.UNAUTHORIZED_401);
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic");
        response.write(true, StandardCharsets.UTF_8.encode("Unauthorized\n"), callback);
        return true;
    }

    private boolean authorized(Map<String, String> users, String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String user = decoded.substring(0, colon);
        String hash = users.get(user);
        if (hash == null) {
            return false;
        }
        // Keyed by the hash too, so a changed hash in a reloaded file is checked again.
        String key = hash + "\n" + decoded;
        if (verified.containsKey(key)) {
            return true;
        }
        boolean ok;
        try {
            ok = BCrypt.checkpw(decoded.substring(colon + 1), hash.replaceFirst("^\\$2y\\$", "\\$2a\\$"));
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (ok) {
            verified.put(key, Boolean.TRUE);
        }
        return ok;
    }
}
