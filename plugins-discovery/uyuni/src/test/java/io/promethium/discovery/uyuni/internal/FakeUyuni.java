package io.promethium.discovery.uyuni.internal;

import io.promethium.testsupport.LoopbackStandIn;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in of Uyuni's XML-RPC API ({@code POST /rpc/api}) for the calls discovery
 * makes, answering as Uyuni's API documentation describes them, since no Uyuni can be installed
 * here: {@code auth.login} (a fault for wrong credentials), then, with the session key,
 * {@code system.listSystemGroupsForSystemsWithEntitlement}, {@code system.monitoring.listEndpoints}
 * and {@code system.getNetworkForSystems}; an unknown session key is a fault. It records each
 * call; faults (the base's): a status, a body, no answer.
 */
final class FakeUyuni extends LoopbackStandIn {

    private static final Pattern METHOD = Pattern.compile("<methodName>([^<]*)</methodName>");
    private static final Pattern STRINGS = Pattern.compile("<string>([^<]*)</string>");

    /** One monitored system with one endpoint. */
    record System(long id, String hostname, String fqdn, List<String> groups, String endpoint, String exporter, int port,
                  String path, String module, boolean tls) {
    }

    final List<System> systems = new CopyOnWriteArrayList<>();
    private volatile String session = "session-1";

    FakeUyuni() throws IOException {
        super("/rpc/api", "text/xml");
    }

    /** Ends the current session: calls with its key fail until a new login. */
    void expireSession() {
        session = session + "x";
    }

    /** The XML-RPC method of every request, in order. */
    List<String> calls() {
        return requests.stream().map(r -> {
            Matcher m = METHOD.matcher(r.body());
            return m.find() ? m.group(1) : "";
        }).toList();
    }

    @Override
    protected Answer answer(Request request) {
        String call = request.body();
        Matcher m = METHOD.matcher(call);
        String method = m.find() ? m.group(1) : "";
        Matcher s = STRINGS.matcher(call);
        String first = s.find() ? s.group(1) : "";
        String second = s.find() ? s.group(1) : "";
        String result;
        if (method.equals("auth.login")) {
            if (!first.equals("admin") || !second.equals("s3cr3t") || !call.contains("<int>600</int>")) {
                return ok(xmlRpcFault(2950, "Either the password or username is incorrect."));
            }
            result = "<string>" + session + "</string>";
        } else if (!first.equals(session)) {
            return ok(xmlRpcFault(2950, "Could not find session"));
        } else {
            StringBuilder sb = new StringBuilder("<array><data>");
            for (System sys : systems) {
                switch (method) {
                    case "system.listSystemGroupsForSystemsWithEntitlement" -> {
                        if (!second.equals("monitoring_entitled")) {
                            continue;
                        }
                        sb.append("<value><struct><member><name>id</name><value><int>").append(sys.id())
                                .append("</int></value></member><member><name>system_groups</name><value><array><data>");
                        int gid = 1;
                        for (String group : sys.groups()) {
                            sb.append("<value><struct><member><name>id</name><value><int>").append(gid++)
                                    .append("</int></value></member><member><name>name</name><value><string>").append(group)
                                    .append("</string></value></member></struct></value>");
                        }
                        sb.append("</data></array></value></member></struct></value>");
                    }
                    case "system.monitoring.listEndpoints" -> sb.append("<value><struct>")
                            .append(member("system_id", "<int>" + sys.id() + "</int>"))
                            .append(member("endpoint_name", "<string>" + sys.endpoint() + "</string>"))
                            .append(member("port", "<int>" + sys.port() + "</int>"))
                            .append(member("path", "<string>" + sys.path() + "</string>"))
                            .append(member("module", sys.module().isEmpty() ? "<nil/>" : "<string>" + sys.module() + "</string>"))
                            .append(member("exporter_name", "<string>" + sys.exporter() + "</string>"))
                            .append(member("tls_enabled", "<boolean>" + (sys.tls() ? 1 : 0) + "</boolean>"))
                            .append("</struct></value>");
                    case "system.getNetworkForSystems" -> sb.append("<value><struct>")
                            .append(member("system_id", "<i4>" + sys.id() + "</i4>"))
                            .append(member("hostname", sys.hostname()))
                            .append(member("primary_fqdn", "<string>" + sys.fqdn() + "</string>"))
                            .append(member("ip", "<string>10.0.0." + sys.id() + "</string>"))
                            .append("</struct></value>");
                    default -> {
                        return ok(xmlRpcFault(-1, "unknown method " + method));
                    }
                }
            }
            result = sb.append("</data></array>").toString();
        }
        return ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><params><param><value>" + result
                + "</value></param></params></methodResponse>");
    }

    private static Answer ok(String xml) {
        return new Answer(200, xml, Map.of());
    }

    private static String member(String name, String value) {
        return "<member><name>" + name + "</name><value>" + value + "</value></member>";
    }

    private static String xmlRpcFault(int code, String text) {
        return "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>" + member("faultCode", "<int>" + code + "</int>")
                + member("faultString", "<string>" + text + "</string>") + "</struct></value></fault></methodResponse>";
    }
}
