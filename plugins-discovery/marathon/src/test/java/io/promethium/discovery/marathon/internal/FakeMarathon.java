package io.promethium.discovery.marathon.internal;

import io.promethium.testsupport.LoopbackStandIn;
import java.io.IOException;

/**
 * A loopback stand-in of Marathon's REST API for what discovery reads
 * ({@code GET /v2/apps/?embed=apps.tasks}: {@code {"apps": [...]}} with each app's tasks, as
 * Marathon documents it), since no Marathon can be installed here. It answers the apps the test
 * sets (any other request: 404) and records each request; faults: a status, a body, no answer.
 */
final class FakeMarathon extends LoopbackStandIn {

    private volatile Answer apps = Answer.json("[]");

    FakeMarathon() throws IOException {
        super("/", "application/json");
    }

    void answer(String json) {
        apps = Answer.json(json);
    }

    void answer(int status, String contentType, String body) {
        apps = Answer.of(status, contentType, body);
    }

    /** Request {@code index} as {@code METHOD URI AUTHORIZATION}. */
    String request(int index) {
        Request r = requests.get(index);
        return r.method() + " " + r.uri() + " " + r.authorization();
    }

    @Override
    protected Answer answer(Request request) {
        return request.uri().toString().endsWith("/v2/apps/?embed=apps.tasks") && request.method().equals("GET") ? apps : null;
    }
}
