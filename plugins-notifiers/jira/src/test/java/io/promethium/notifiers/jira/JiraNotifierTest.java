package io.promethium.notifiers.jira;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notifier;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Request;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a loopback stand-in for Jira's REST API as its documentation shows it: search answers
 * the issues the test holds ({@code key} and {@code fields.status.statusCategory.key}), create
 * answers 201 with the new key, update 204, transitions lists {@code id}/{@code name} pairs.
 */
class JiraNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LABEL = "ALERT{17c4e445d234645c9e547ff6d32a864af0ebdadcd1902771c24c8d366637ff41}";
    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;
    private volatile String issues = "[]";

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        server.on("/rest/api/2/search", r -> Response.of(200, "application/json", "{\"issues\":" + issues + "}"));
        server.on("/rest/api/3/search/jql", r -> Response.of(200, "application/json", "{\"issues\":" + issues + "}"));
        server.on("/rest/api/2/issue", r -> r.method().equals("POST")
                ? Response.of(201, "application/json", "{\"id\":\"10001\",\"key\":\"OPS-1\"}") : Response.status(204));
        server.on("/rest/api/2/issue/OPS-1/transitions", r -> r.method().equals("GET")
                ? Response.of(200, "application/json", "{\"transitions\":[{\"id\":\"11\",\"name\":\"Reopen\"},{\"id\":\"31\",\"name\":\"Done\"}]}")
                : Response.status(204));
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults());
        context.global("jira_api_url", server.url("/rest/api/2"));
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new JiraNotifierFactory(), values, "am.yml:3:5");
    }

    private static final Map<String, Object> BASE = Map.of("project", "OPS", "issue_type", "Bug", "labels", List.of("prom"),
            "resolve_transition", "Done", "reopen_transition", "Reopen", "reopen_duration", "1h", "wont_fix_resolution", "Won't Fix",
            "fields", Map.of("customfield_10001", "{{ .CommonLabels.instance }}", "customfield_10002", "[1, 2]",
                    "customfield_10003", Map.of("value", "{{ .Status }}")));

    @Test
    void aNewGroupSearchesThenCreatesTheIssue() throws Exception {
        notifier(BASE).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        List<Request> rs = server.requests();
        assertThat(rs).extracting(r -> r.method() + " " + r.path()).containsExactly("POST /rest/api/2/search", "POST /rest/api/2/issue");
        assertThat(rs.get(0).header("Accept-Language")).isEqualTo("en");
        JsonNode search = JSON.readTree(rs.get(0).body());
        assertThat(search.get("jql").asText()).isEqualTo("(resolution is EMPTY or resolution != \"Won't Fix\") and "
                + "(resolutiondate is EMPTY OR resolutiondate >= -60m) and project=\"OPS\" and labels=\"" + LABEL.replace("\"", "\\\"")
                + "\" order by status ASC,resolutiondate DESC");
        assertThat(search.get("maxResults").asInt()).isEqualTo(2);
        JsonNode f = JSON.readTree(rs.get(1).body()).get("fields");
        assertThat(f.get("summary").asText()).isEqualTo("[FIRING:1] DiskFull (db1)");
        assertThat(f.get("description").asText()).contains("# Alerts Firing:");
        assertThat(f.get("issuetype").toString()).isEqualTo("{\"name\":\"Bug\"}");
        assertThat(f.get("project").toString()).isEqualTo("{\"key\":\"OPS\"}");
        assertThat(f.get("labels").toString()).isEqualTo("[\"" + LABEL + "\",\"prom\"]");
        assertThat(f.has("priority")).isFalse(); // no severity label: jira.default.priority is empty
        assertThat(f.get("customfield_10001").asText()).isEqualTo("db1");
        assertThat(f.get("customfield_10002").toString()).isEqualTo("[1,2]");
        assertThat(f.get("customfield_10003").toString()).isEqualTo("{\"value\":\"firing\"}");
    }

    @Test
    void aResolvedGroupUpdatesAndClosesItsOpenIssue() throws Exception {
        issues = "[{\"key\":\"OPS-1\",\"fields\":{\"status\":{\"name\":\"Open\",\"statusCategory\":{\"key\":\"new\"}}}}]";
        notifier(Map.of("project", "OPS", "issue_type", "Bug", "resolve_transition", "Done",
                "summary", Map.of("template", "s", "enable_update", false)))
                .send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        List<Request> rs = server.requests();
        assertThat(rs).extracting(r -> r.method() + " " + r.path()).containsExactly("POST /rest/api/2/search",
                "PUT /rest/api/2/issue/OPS-1", "GET /rest/api/2/issue/OPS-1/transitions", "POST /rest/api/2/issue/OPS-1/transitions");
        assertThat(JSON.readTree(rs.get(0).body()).get("jql").asText()).startsWith("statusCategory != Done and ");
        assertThat(JSON.readTree(rs.get(1).body()).get("fields").has("summary")).isFalse();
        assertThat(JSON.readTree(rs.get(3).body()).toString()).isEqualTo("{\"transition\":{\"id\":\"31\"}}");
    }

    @Test
    void aResolvedGroupWithoutAnIssueSendsOnlyTheSearchAndCloudUsesApiV3Search() throws Exception {
        notifier(Map.of("project", "OPS", "issue_type", "Bug", "api_type", "cloud")).send(TestNotifications.diskFull(true), Instant.now().plusSeconds(9));
        assertThat(server.requests()).extracting(Request::path).containsExactly("/rest/api/3/search/jql");
    }

    /** An issue the JQL-reading stand-in holds: its status category, resolution and when it was resolved (null: unresolved). */
    private record Held(String key, String category, String resolution, Instant resolved) {
        String json() {
            return "{\"key\":\"" + key + "\",\"fields\":{\"status\":{\"name\":\"" + (category.equals("done") ? "Closed" : "Open")
                    + "\",\"statusCategory\":{\"key\":\"" + category + "\"}}}}";
        }
    }

    private static final java.util.regex.Pattern WONT_FIX = java.util.regex.Pattern.compile("\\(resolution is EMPTY or resolution != \"([^\"]*)\"\\) and ");
    private static final java.util.regex.Pattern RECENT = java.util.regex.Pattern.compile("\\(resolutiondate is EMPTY OR resolutiondate >= -(\\d+)m\\) and ");

    /**
     * Jira's search as its JQL documentation defines the clauses Alertmanager writes:
     * {@code resolution != X} alone would drop unresolved issues, hence the {@code is EMPTY} arm;
     * {@code resolutiondate >= -Nm} keeps issues resolved in the last N minutes;
     * {@code statusCategory != Done} keeps open ones. The project and label are the test's own.
     */
    private void holding(Held... held) {
        server.on("/rest/api/2/search", r -> {
            String jql;
            try {
                jql = JSON.readTree(r.body()).get("jql").asText();
            } catch (java.io.IOException e) {
                return Response.status(400);
            }
            java.util.regex.Matcher wontFix = WONT_FIX.matcher(jql);
            java.util.regex.Matcher recent = RECENT.matcher(jql);
            boolean wontFixClause = wontFix.find();
            boolean recentClause = recent.find();
            boolean notDone = jql.contains("statusCategory != Done and ");
            List<String> found = new java.util.ArrayList<>();
            for (Held h : held) {
                if (wontFixClause && h.resolution() != null && h.resolution().equals(wontFix.group(1))) {
                    continue;
                }
                if (recentClause && h.resolved() != null
                        && h.resolved().isBefore(Instant.now().minus(java.time.Duration.ofMinutes(Long.parseLong(recent.group(1)))))) {
                    continue;
                }
                if (notDone && h.category().equals("done")) {
                    continue;
                }
                found.add(h.json());
            }
            return Response.of(200, "application/json", "{\"issues\":[" + String.join(",", found) + "]}");
        });
    }

    private static final Map<String, Object> REOPENING = Map.of("project", "OPS", "issue_type", "Bug", "resolve_transition", "Done",
            "reopen_transition", "Reopen", "reopen_duration", "1h", "wont_fix_resolution", "Won't Fix");

    /** Alertmanager 0.34's jira_test "reopen issue": the done issue found is updated, then moved by the reopen transition's id. */
    @Test
    void aFiringGroupReopensItsIssueResolvedWithinReopenDuration() throws Exception {
        holding(new Held("OPS-1", "done", "Done", Instant.now().minusSeconds(600)));
        notifier(REOPENING).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        List<Request> rs = server.requests();
        assertThat(rs).extracting(r -> r.method() + " " + r.path()).containsExactly("POST /rest/api/2/search",
                "PUT /rest/api/2/issue/OPS-1", "GET /rest/api/2/issue/OPS-1/transitions", "POST /rest/api/2/issue/OPS-1/transitions");
        assertThat(JSON.readTree(rs.get(1).body()).get("fields").get("summary").asText()).isEqualTo("[FIRING:1] DiskFull (db1)");
        assertThat(JSON.readTree(rs.get(3).body()).toString()).isEqualTo("{\"transition\":{\"id\":\"11\"}}");
    }

    @Test
    void anIssueResolvedBeforeReopenDurationIsLeftAndANewOneCreated() throws Exception {
        holding(new Held("OPS-1", "done", "Done", Instant.now().minus(java.time.Duration.ofMinutes(61))));
        notifier(REOPENING).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        assertThat(server.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("POST /rest/api/2/search", "POST /rest/api/2/issue");
    }

    @Test
    void anIssueResolvedAsWontFixIsNeverReopenedButAnOpenOneIsStillFound() throws Exception {
        holding(new Held("OPS-1", "done", "Won't Fix", Instant.now().minusSeconds(60)));
        notifier(REOPENING).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        assertThat(server.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("POST /rest/api/2/search", "POST /rest/api/2/issue");
        holding(new Held("OPS-1", "new", null, null));
        notifier(REOPENING).send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9));
        assertThat(server.requests().subList(2, server.requests().size())).extracting(r -> r.method() + " " + r.path())
                .as("an unresolved issue is updated, not transitioned (prometheus/alertmanager#4295)")
                .containsExactly("POST /rest/api/2/search", "PUT /rest/api/2/issue/OPS-1");
    }

    /** Alertmanager 0.34's jira_test "error reopen transition not found": not retried, the error names both. */
    @Test
    void aMissingReopenTransitionIsAnErrorNamingItAndTheIssue() throws Exception {
        holding(new Held("OPS-1", "done", "Done", Instant.now().minusSeconds(60)));
        Notifier n = notifier(Map.of("project", "OPS", "issue_type", "Bug", "reopen_transition", "REOPEN", "reopen_duration", "1h"));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().plusSeconds(9)))
                .isInstanceOfSatisfying(io.promethium.api.notify.NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("can't find transition REOPEN for issue OPS-1");
    }

    @Test
    void configErrorsAreAlertmanagers() {
        assertThatThrownBy(() -> notifier(Map.of("issue_type", "Bug"))).hasMessageContaining("missing project in jira_config");
        assertThatThrownBy(() -> notifier(Map.of("project", "P"))).hasMessageContaining("missing issue_type in jira_config");
        assertThatThrownBy(() -> notifier(Map.of("project", "P", "issue_type", "B", "api_type", "server")))
                .hasMessageContaining("unknown api_type");
    }
}
