package io.promethium.discovery.openstack.internal;

import io.promethium.testsupport.LoopbackStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback stand-in of OpenStack's Keystone v3 ({@code POST /v3/auth/tokens}: 201 with the
 * token in {@code X-Subject-Token} and a service catalog whose compute, network and load-balancer endpoints
 * point back here, or 401 for a wrong password), Nova ({@code /servers/detail},
 * {@code /os-hypervisors/detail}), Neutron ({@code /v2.0/ports}, {@code /v2.0/floatingips}) and
 * Octavia ({@code /v2.0/lbaas/loadbalancers}, {@code /v2.0/lbaas/listeners}),
 * as Prometheus's own {@code discovery/openstack/mock_test.go} serves them (its bodies are the
 * fixtures in {@code prometheus-fixtures/}, see NOTICE there), since no OpenStack can run here.
 * Lists answer the body set for their path and query (else for their path); faults: a status, no answer.
 */
final class FakeOpenstack extends LoopbackStandIn {

    static final String TOKEN = "cbc36478b0bd8e67e89469c7749d4127";
    static final String PASSWORD = "test";

    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private volatile int status = 200;

    FakeOpenstack() throws IOException {
        super("/", "application/json");
        answer("/servers/detail", fixture("servers.json"));
        answer("/os-hypervisors/detail", fixture("hypervisors.json"));
        answer("/v2.0/ports", fixture("ports.json"));
        answer("/v2.0/floatingips", fixture("floatingips.json"));
        answer("/v2.0/lbaas/loadbalancers", fixture("loadbalancers.json"));
        answer("/v2.0/lbaas/listeners", fixture("listeners.json"));
    }

    static String fixture(String name) {
        try (InputStream in = FakeOpenstack.class.getResourceAsStream("/prometheus-fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The identity endpoint, as Prometheus's mock gives it (with a trailing slash). */
    String identityUrl() {
        return url() + "/";
    }

    /** The body served for a path and query ({@code /servers/detail?marker=x}). */
    void answer(String pathAndQuery, String body) {
        bodies.put(pathAndQuery, body);
    }

    /** The status the lists answer with (their bodies unchanged). */
    void status(int status) {
        this.status = status;
    }

    /** Each request as {@code METHOD PATH?QUERY BODY}, in order. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Request r : requests) {
            lines.add(r.method() + " " + target(r) + " " + r.body());
        }
        return lines;
    }

    private static String target(Request r) {
        return r.uri().getRawPath() + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery());
    }

    @Override
    protected Answer answer(Request request) {
        String target = target(request);
        String body = request.body();
        if (target.equals("/v3/auth/tokens") && request.method().equals("POST")) {
            if (!body.contains("\"password\":\"" + PASSWORD + "\"") && !body.contains("\"secret\":\"" + PASSWORD + "\"")) {
                return new Answer(401, "{\"error\":{\"code\":401,\"message\":\"The request you have made requires authentication.\",\"title\":\"Unauthorized\"}}", Map.of());
            }
            return new Answer(201, fixture("token.json").replace("{{ENDPOINT}}", identityUrl()), Map.of("X-Subject-Token", TOKEN));
        }
        if (!TOKEN.equals(request.header("X-Auth-Token"))) {
            return new Answer(401, "{\"error\":{\"code\":401,\"message\":\"The request you have made requires authentication.\"}}", Map.of());
        }
        // A list's query (all_tenants, a marker) picks a body set for it, else the path's.
        String answer = bodies.getOrDefault(target, bodies.get(request.uri().getRawPath()));
        if (answer == null) {
            return new Answer(404, "{\"itemNotFound\":{\"code\":404,\"message\":\"Not found\"}}", Map.of());
        }
        return new Answer(status, answer, Map.of());
    }
}
