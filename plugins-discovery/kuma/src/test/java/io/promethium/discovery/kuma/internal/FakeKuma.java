package io.promethium.discovery.kuma.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.testsupport.LoopbackStandIn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A loopback stand-in of a Kuma control plane's MADS endpoint
 * ({@code POST /v3/discovery:monitoringassignments}, xDS v3 over HTTP with proto JSON), since no
 * Kuma can be installed here: it answers the current assignments with a version and a nonce,
 * and 304 when the request already carries the current version (where Kuma would first wait up
 * to {@code fetch-timeout} for a change). It records each request's query and body; faults: a
 * status, a body, no answer.
 */
final class FakeKuma extends LoopbackStandIn {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile String resources = "[]";
    private volatile int version = 1;
    private volatile int failWith;
    private volatile String body;

    FakeKuma() throws IOException {
        super("/", "application/json");
    }

    /** Sets the assignments (a JSON list of MonitoringAssignment Any objects) and bumps the version. */
    void assignments(String resources) {
        this.resources = resources;
        version++;
    }

    /** MADS requests answer {@code status}; 0: the assignments again. */
    void failWith(int status) {
        failWith = status;
    }

    /** MADS requests answer 200 with {@code body}; null: the assignments again. */
    void answerBody(String body) {
        this.body = body;
    }

    /** Each request as {@code METHOD URI BODY}, in order. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Request r : requests) {
            lines.add(r.method() + " " + r.uri() + " " + r.body());
        }
        return lines;
    }

    @Override
    protected Answer answer(Request request) {
        if (!request.uri().getPath().equals("/v3/discovery:monitoringassignments")) {
            return new Answer(404, "not found", Map.of());
        }
        if (failWith != 0) {
            return new Answer(failWith, "{\"message\":\"failure\"}", Map.of());
        }
        if (body != null) {
            return Answer.json(body);
        }
        JsonNode req;
        try {
            req = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            return new Answer(400, "{\"message\":\"" + e.getOriginalMessage().replace('"', '\'') + "\"}", Map.of());
        }
        String current = Integer.toString(version);
        if (current.equals(req.path("version_info").asText(""))) {
            return new Answer(304, "", Map.of());
        }
        return Answer.json("{\"versionInfo\":\"" + current + "\",\"resources\":" + resources
                + ",\"typeUrl\":\"type.googleapis.com/kuma.observability.v1.MonitoringAssignment\",\"nonce\":\"n" + current + "\"}");
    }
}
