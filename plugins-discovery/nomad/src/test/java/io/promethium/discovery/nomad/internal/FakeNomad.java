package io.promethium.discovery.nomad.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.testsupport.LoopbackStandIn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback stand-in of Nomad's HTTP API for its service catalogue, as Nomad documents it
 * ({@code GET /v1/services}: namespaces with their services' names and tags;
 * {@code GET /v1/service/<name>}: the registrations), since no Nomad can be installed here.
 * It records each request's path and query; faults: a status for every request or for one
 * service, a body, no answer.
 */
final class FakeNomad extends LoopbackStandIn {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One registration, as {@code /v1/service/<name>} lists it. */
    record Registration(String id, String service, String namespace, String nodeId, String datacenter, String address, int port,
                        List<String> tags) {
    }

    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private volatile int failWith;
    private volatile String failService = "";

    FakeNomad() throws IOException {
        super("/v1/", "application/json");
    }

    void register(Registration registration) {
        registrations.add(registration);
    }

    void deregister(String service) {
        registrations.removeIf(r -> r.service().equals(service));
    }

    /** Requests answer {@code status}: every one ({@code service} empty) or those of one service; 0: none. */
    void failWith(int status, String service) {
        failWith = status;
        failService = service;
    }

    /** Every request answers 200 with {@code body}; null: the catalogue answers again. */
    void answerBody(String body) {
        fault(body == null ? null : Answer.json(body));
    }

    /** Each request's path and raw query ({@code /v1/services?namespace=default}), in order. */
    List<String> paths() {
        List<String> paths = new ArrayList<>();
        for (Request r : requests) {
            paths.add(r.uri().getPath() + "?" + r.uri().getRawQuery());
        }
        return paths;
    }

    @Override
    protected Answer answer(Request request) {
        String path = request.uri().getPath();
        if (failWith != 0 && (failService.isEmpty() || path.equals("/v1/service/" + failService))) {
            return new Answer(failWith, "internal error", Map.of());
        }
        try {
            if (path.equals("/v1/services")) {
                Map<String, Map<String, List<String>>> byNamespace = new LinkedHashMap<>();
                for (Registration r : registrations) {
                    byNamespace.computeIfAbsent(r.namespace(), n -> new LinkedHashMap<>()).put(r.service(), r.tags());
                }
                List<Object> stubs = new ArrayList<>();
                byNamespace.forEach((ns, services) -> {
                    List<Object> list = new ArrayList<>();
                    services.forEach((name, tags) -> list.add(Map.of("ServiceName", name, "Tags", tags)));
                    stubs.add(Map.of("Namespace", ns, "Services", list));
                });
                return Answer.json(JSON.writeValueAsString(stubs));
            }
            if (path.startsWith("/v1/service/")) {
                String name = path.substring("/v1/service/".length());
                List<Object> list = new ArrayList<>();
                for (Registration r : registrations) {
                    if (r.service().equals(name)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("ID", r.id());
                        m.put("ServiceName", r.service());
                        m.put("Namespace", r.namespace());
                        m.put("NodeID", r.nodeId());
                        m.put("Datacenter", r.datacenter());
                        m.put("JobID", "job");
                        m.put("AllocID", "alloc");
                        m.put("Tags", r.tags());
                        m.put("Address", r.address());
                        m.put("Port", r.port());
                        m.put("CreateIndex", 10);
                        m.put("ModifyIndex", 10);
                        list.add(m);
                    }
                }
                return Answer.json(JSON.writeValueAsString(list));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Answer(404, "not found", Map.of());
    }
}
