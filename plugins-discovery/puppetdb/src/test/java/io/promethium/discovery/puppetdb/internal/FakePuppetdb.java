package io.promethium.discovery.puppetdb.internal;

import io.promethium.testsupport.LoopbackStandIn;
import java.io.IOException;

/**
 * A loopback stand-in of PuppetDB's query API ({@code POST /pdb/query/v4} with a JSON body
 * {@code {"query": "<PQL>"}}, answering a JSON list of resources as PuppetDB documents them),
 * since no PuppetDB can be installed here. It answers whatever resources the test sets (the
 * PQL is not evaluated; any other request: 404) and records each request; faults: a status, a
 * content type, a body, no answer.
 */
final class FakePuppetdb extends LoopbackStandIn {

    private volatile Answer resources = Answer.json("[]");

    FakePuppetdb() throws IOException {
        super("/", "application/json; charset=utf-8");
    }

    void answer(String json) {
        resources = Answer.json(json);
    }

    void answer(int status, String contentType, String body) {
        resources = Answer.of(status, contentType, body);
    }

    @Override
    protected Answer answer(Request request) {
        return request.uri().getPath().endsWith("/pdb/query/v4") && request.method().equals("POST") ? resources : null;
    }
}
