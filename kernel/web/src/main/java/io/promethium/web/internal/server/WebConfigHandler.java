package io.promethium.web.internal.server;

import io.promethium.api.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The toolkit's web handler in front of everything else: 500 while the web config file is invalid,
 * 429 beyond {@code rate_limit}, then the {@code http_server_config.headers} on every response,
 * then basic auth (the next handler). The order is the toolkit's, so a 429 carries no configured header.
 */
final class WebConfigHandler extends Handler.Wrapper {

    private final LiveWebConfig config;
    private final RateLimiter limiter;

    /** @param limiter {@code rate_limit}, or null for none */
    WebConfigHandler(LiveWebConfig config, RateLimiter limiter, Handler next) {
        super(next);
        this.config = config;
        this.limiter = limiter;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        WebConfigFile current;
        try {
            current = config.current();
        } catch (ConfigException e) {
            return answer(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Internal Server Error\n");
        }
        if (limiter != null && !limiter.allow()) {
            return answer(response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "Too Many Requests\n");
        }
        for (Map.Entry<String, String> header : current.headers().entrySet()) {
            response.getHeaders().put(header.getKey(), header.getValue());
        }
        return super.handle(request, response, callback);
    }

    private static boolean answer(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "text/plain; charset=utf-8");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, StandardCharsets.UTF_8.encode(body), callback);
        return true;
    }

    /**
     * Go's {@code rate.NewLimiter(rate.Every(interval), burst)} as the toolkit uses it: a bucket of
     * {@code burst} tokens, full at start, refilled by one every {@code interval}; a burst of 0
     * lets nothing through.
     */
    static final class RateLimiter {
        private final double tokensPerNano;
        private final int burst;
        private double tokens;
        private long last;

        RateLimiter(WebConfigFile.RateLimit limit) {
            this.tokensPerNano = 1.0 / limit.interval().toNanos();
            this.burst = limit.burst();
            this.tokens = burst;
            this.last = System.nanoTime();
        }

        synchronized boolean allow() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
