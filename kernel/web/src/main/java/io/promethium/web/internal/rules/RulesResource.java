package io.promethium.web.internal.rules;

import io.promethium.goformat.GoStrings;
import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.goformat.GoFloat;
import io.promethium.rules.ActiveAlert;
import io.promethium.rules.RuleGroupStatus;
import io.promethium.rules.RuleManager;
import io.promethium.rules.RuleStatus;
import io.promethium.rules.RuleType;
import io.promethium.web.internal.api.GoTime;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.api.PromJson;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/** {@code /api/v1/rules} and {@code /api/v1/alerts}, from the rule manager, in Prometheus's shapes. */
public final class RulesResource implements Endpoints {

    private final Supplier<RuleManager> rules;

    public RulesResource(Supplier<RuleManager> rules) {
        this.rules = Objects.requireNonNull(rules, "rules is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/alerts").formLimit(formLimit).agent(agent).get("/api/v1/alerts", this::alerts).build(),
                Router.under("/api/v1/rules").formLimit(formLimit).agent(agent).get("/api/v1/rules", this::rules).build());
    }

    private void alerts(Router.Call call) throws IOException {
        List<ActiveAlert> alerts = rules.get().alerts();
        call.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartObject();
            g.writeArrayFieldStart("alerts");
            for (ActiveAlert a : alerts) {
                alert(g, json, a);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void rules(Router.Call call) throws IOException {
        Params params = call.query();
        String type = params.get("type").toLowerCase(java.util.Locale.ROOT);
        boolean alerting = type.isEmpty() || type.equals("alert");
        boolean recording = type.isEmpty() || type.equals("record");
        if (!alerting && !recording) {
            throw Params.invalidParam("type", "not supported value " + GoStrings.quote(type));
        }
        boolean excludeAlerts = switch (params.get("exclude_alerts")) {
            case "", "0", "f", "F", "false", "FALSE", "False" -> false;
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> throw Params.invalidParam("exclude_alerts", "strconv.ParseBool: parsing "
                    + GoStrings.quote(params.get("exclude_alerts")) + ": invalid syntax");
        };
        Set<String> names = new HashSet<>(params.all("rule_name[]"));
        Set<String> groups = new HashSet<>(params.all("rule_group[]"));
        Set<String> files = new HashSet<>(params.all("file[]"));
        List<RuleGroupStatus> all = rules.get().groups();
        call.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartObject();
            g.writeArrayFieldStart("groups");
            for (RuleGroupStatus group : all) {
                if ((!groups.isEmpty() && !groups.contains(group.name())) || (!files.isEmpty() && !files.contains(group.file()))) {
                    continue;
                }
                List<RuleStatus> selected = group.rules().stream()
                        .filter(r -> r.type() == RuleType.ALERTING ? alerting : recording)
                        .filter(r -> names.isEmpty() || names.contains(r.name()))
                        .toList();
                if (selected.isEmpty() && (!names.isEmpty() || !type.isEmpty())) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("name", group.name());
                g.writeStringField("file", group.file());
                g.writeArrayFieldStart("rules");
                for (RuleStatus r : selected) {
                    rule(g, json, r, excludeAlerts);
                }
                g.writeEndArray();
                g.writeNumberField("interval", seconds(group.interval()));
                g.writeNumberField("limit", group.limit());
                g.writeNumberField("evaluationTime", seconds(group.evaluationTime()));
                g.writeStringField("lastEvaluation", GoTime.format(group.lastEvaluation()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void rule(JsonGenerator g, PromJson json, RuleStatus r, boolean excludeAlerts) throws IOException {
        g.writeStartObject();
        if (r.type() == RuleType.ALERTING) {
            g.writeStringField("state", r.state() == null ? "inactive" : r.state().apiName());
        }
        g.writeStringField("name", r.name());
        g.writeStringField("query", r.query());
        if (r.type() == RuleType.ALERTING) {
            g.writeNumberField("duration", seconds(r.duration()));
            g.writeNumberField("keepFiringFor", seconds(r.keepFiringFor()));
        }
        g.writeFieldName("labels");
        json.labels(r.labels());
        if (r.type() == RuleType.ALERTING) {
            g.writeFieldName("annotations");
            json.labels(r.annotations());
            if (!excludeAlerts) {
                g.writeArrayFieldStart("alerts");
                for (ActiveAlert a : r.alerts()) {
                    alert(g, json, a);
                }
                g.writeEndArray();
            }
        }
        g.writeStringField("health", r.health().apiName());
        if (!r.lastError().isEmpty()) {
            g.writeStringField("lastError", r.lastError());
        }
        g.writeNumberField("evaluationTime", seconds(r.evaluationTime()));
        g.writeStringField("lastEvaluation", GoTime.format(r.lastEvaluation()));
        g.writeStringField("type", r.type().apiName());
        g.writeEndObject();
    }

    private static void alert(JsonGenerator g, PromJson json, ActiveAlert a) throws IOException {
        g.writeStartObject();
        g.writeFieldName("labels");
        json.labels(a.labels());
        g.writeFieldName("annotations");
        json.labels(a.annotations());
        g.writeStringField("state", a.state().apiName());
        g.writeStringField("activeAt", GoTime.format(a.activeAt()));
        if (a.keepFiringSince() != null) {
            g.writeStringField("keepFiringSince", GoTime.format(a.keepFiringSince()));
        }
        g.writeStringField("value", GoFloat.formatE(a.value()));
        g.writeEndObject();
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }

}
