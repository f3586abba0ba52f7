package io.promethium.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A loopback stand-in of a cloud provider's JSON REST API: answers per path and query (set by
 * the test), refuses requests whose credentials the test's check rejects with the provider's
 * status and body, and records every request (the cloud discovery plugins' tests share it). The
 * faults of {@link LoopbackStandIn} apply to every path: a status and body, no answer at all, or
 * 429 with {@code Retry-After}.
 */
public final class FakeCloud extends LoopbackStandIn {

    private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
    private volatile Predicate<Request> authorized = r -> true;
    private volatile Answer refusal = new Answer(401, "{\"id\":\"unauthorized\",\"message\":\"Unable to authenticate you\"}", Map.of());

    public FakeCloud() throws IOException {
        super("/", "application/json; charset=utf-8");
    }

    /** The API root, ending in {@code /}. */
    public URI endpoint() {
        return URI.create(url() + "/");
    }

    /** Answers requests to {@code path} (without query). */
    public void route(String path, Function<Request, Answer> answer) {
        routes.put(path, answer);
    }

    /** Requests the check rejects get {@code refusal}. */
    public void authorize(Predicate<Request> check, Answer refusal) {
        this.authorized = check;
        this.refusal = refusal;
    }

    public long count(String path) {
        return requests.stream().filter(r -> r.uri().getPath().equals(path)).count();
    }

    @Override
    protected Answer answer(Request request) {
        if (!authorized.test(request)) {
            return refusal;
        }
        Function<Request, Answer> route = routes.get(request.uri().getPath());
        return route == null ? new Answer(404, "{\"id\":\"not_found\"}", Map.of()) : route.apply(request);
    }

    /** A query parameter of a request, or null. */
    public static String query(Request request, String name) {
        String raw = request.uri().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
