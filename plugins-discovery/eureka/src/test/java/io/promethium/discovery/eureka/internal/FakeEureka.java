package io.promethium.discovery.eureka.internal;

import io.promethium.testsupport.LoopbackStandIn;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in of a Eureka server's {@code GET /eureka/apps}, for what a real Eureka
 * ({@link EurekaServerTest}) does not do: answer a status, a body of the test's choosing, or
 * nothing at all; and for the discoverer contract, which breaks its peer. Instances are
 * registered and cancelled in-process (an HTTP client of the test would leave its threads
 * behind, which the contract checks for) and listed as the real server lists them.
 */
final class FakeEureka extends LoopbackStandIn {

    private static final Pattern INSTANCE_ID = Pattern.compile("<instanceId>([^<]*)</instanceId>");

    /** Applications by name, each with its instances' XML by id, in registration order. */
    private final Map<String, Map<String, String>> registry = new LinkedHashMap<>();

    FakeEureka() throws IOException {
        super("/eureka/apps", "application/xml");
    }

    /** The service URL as clients and Prometheus configure it. */
    String serviceUrl() {
        return url() + "/eureka";
    }

    /** Registers as {@code POST /eureka/apps/<app>} does. */
    void register(String app, String instanceXml) {
        Matcher id = INSTANCE_ID.matcher(instanceXml);
        if (!id.find()) {
            throw new IllegalArgumentException("no instanceId in " + instanceXml);
        }
        synchronized (registry) {
            registry.computeIfAbsent(app, a -> new LinkedHashMap<>()).put(id.group(1), instanceXml);
        }
    }

    /** Cancels as {@code DELETE /eureka/apps/<app>/<id>} does. */
    void cancel(String app, String id) {
        synchronized (registry) {
            Map<String, String> instances = registry.get(app);
            if (instances != null) {
                instances.remove(id);
                if (instances.isEmpty()) {
                    registry.remove(app);
                }
            }
        }
    }

    /** Every request answers {@code status} with no body; 0: the registry answers again. */
    void failWith(int status) {
        fault(status == 0 ? null : new Answer(status, "", Map.of()));
    }

    /** Every request answers 200 with {@code body}; null: the registry answers again. */
    void answerBody(String body) {
        fault(body == null ? null : Answer.json(body));
    }

    @Override
    protected Answer answer(Request request) {
        String path = request.uri().getPath();
        if (!request.method().equals("GET")) {
            return new Answer(405, "", Map.of());
        }
        return path.equals("/eureka/apps") || path.equals("/eureka/apps/") ? Answer.json(applications()) : null;
    }

    private String applications() {
        StringBuilder xml = new StringBuilder("<applications>\n  <versions__delta>1</versions__delta>\n  <apps__hashcode>");
        StringBuilder apps = new StringBuilder();
        int up = 0;
        synchronized (registry) {
            for (Map.Entry<String, Map<String, String>> app : registry.entrySet()) {
                StringBuilder instances = new StringBuilder();
                for (String instance : app.getValue().values()) {
                    instances.append(instance).append('\n');
                    up++;
                }
                if (!instances.isEmpty()) {
                    apps.append("  <application>\n    <name>").append(app.getKey()).append("</name>\n").append(instances)
                            .append("  </application>\n");
                }
            }
        }
        return xml.append("UP_").append(up).append("_</apps__hashcode>\n").append(apps).append("</applications>\n").toString();
    }
}
